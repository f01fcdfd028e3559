package dev.uptake.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.ProfileJson;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.ingest.Warning;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionJson;
import dev.uptake.core.sessions.SessionMerge;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.Quarantined;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one processing commit to state.db inside the processing log's transaction: the cursor
 * and the commit's version, each workspace's users, accounts, warnings, sessions, usage and
 * activity, the events set aside or released, and the events API's indexes.
 */
final class StateWrites {

  private final ObjectMapper json;
  private final ProfileJson profiles;
  private final SessionJson sessions;

  StateWrites(ObjectMapper json) {
    this.json = json;
    this.profiles = new ProfileJson(json);
    this.sessions = new SessionJson(json);
  }

  /** Everything {@code batch} changes; the caller commits. */
  void write(Connection connection, ProcessedBatch batch) throws SQLException {
    long version = nextVersion(connection, batch.cursor());
    for (ProcessedBatch.WorkspaceChanges changes : batch.workspaces()) {
      write(connection, changes, version);
    }
    writeQuarantine(connection, batch);
    writePassed(connection, batch.passed());
  }

  /** Moves the cursor and returns the commit's version, which the rows it writes carry. */
  private static long nextVersion(Connection connection, long cursor) throws SQLException {
    Sql.update(connection, "UPDATE processing_cursor SET seq = ?, version = version + 1 WHERE id = 1", cursor);
    long[] version = {0};
    try (PreparedStatement read = connection.prepareStatement("SELECT version FROM processing_cursor WHERE id = 1");
        ResultSet rows = read.executeQuery()) {
      rows.next();
      version[0] = rows.getLong(1);
    }
    return version[0];
  }

  private static final Comparator<ProcessedBatch.Passed> BY_USER =
      Comparator.comparingLong(ProcessedBatch.Passed::workspaceId).thenComparing(ProcessedBatch.Passed::userId)
          .thenComparingLong(ProcessedBatch.Passed::seq);
  private static final Comparator<ProcessedBatch.Passed> BY_ACCOUNT =
      Comparator.comparingLong(ProcessedBatch.Passed::workspaceId).thenComparing(ProcessedBatch.Passed::accountId)
          .thenComparingLong(ProcessedBatch.Passed::seq);

  /**
   * The events API's indexes, sorted first: each user's and account's rows go in together, so a
   * batch touches each of their pages once. A batch processed again writes nothing new.
   */
  private static void writePassed(Connection connection, List<ProcessedBatch.Passed> passed) throws SQLException {
    List<ProcessedBatch.Passed> byUser = new ArrayList<>(passed);
    byUser.sort(BY_USER);
    List<ProcessedBatch.Passed> byAccount = new ArrayList<>();
    passed.stream().filter(event -> event.accountId() != null).forEach(byAccount::add);
    byAccount.sort(BY_ACCOUNT);
    try (PreparedStatement user = connection.prepareStatement(
            "INSERT INTO events_by_user (workspace_id, user_id, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
        PreparedStatement account = connection.prepareStatement(
            "INSERT INTO events_by_account (workspace_id, account_id, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (ProcessedBatch.Passed event : byUser) {
        user.setLong(1, event.workspaceId());
        user.setString(2, event.userId());
        user.setLong(3, event.seq());
        user.addBatch();
      }
      user.executeBatch();
      for (ProcessedBatch.Passed event : byAccount) {
        account.setLong(1, event.workspaceId());
        account.setString(2, event.accountId());
        account.setLong(3, event.seq());
        account.addBatch();
      }
      account.executeBatch();
    }
  }

  private void writeQuarantine(Connection connection, ProcessedBatch batch) throws SQLException {
    try (PreparedStatement release = connection.prepareStatement("DELETE FROM quarantine WHERE seq = ?");
        PreparedStatement setAside = connection.prepareStatement(
            "INSERT INTO quarantine (seq, workspace_id, message_id, error, failed_at, attempts) VALUES (?, ?, ?, ?, ?, 1)"
                + " ON CONFLICT (seq) DO UPDATE SET error = excluded.error, failed_at = excluded.failed_at,"
                + " attempts = attempts + 1, retry_requested = 0")) {
      for (long seq : batch.released()) {
        release.setLong(1, seq);
        release.addBatch();
      }
      release.executeBatch();
      long now = System.currentTimeMillis();
      for (Quarantined event : batch.quarantined()) {
        setAside.setLong(1, event.seq());
        setAside.setLong(2, event.workspaceId());
        setAside.setString(3, event.messageId());
        setAside.setString(4, event.error());
        setAside.setLong(5, now);
        setAside.addBatch();
      }
      setAside.executeBatch();
    }
  }

  private void write(Connection connection, ProcessedBatch.WorkspaceChanges changes, long seq) throws SQLException {
    try (PreparedStatement users = connection.prepareStatement(
            "INSERT INTO users (workspace_id, user_id, account_id, state, updated_version) VALUES (?, ?, ?, ?, ?) ON CONFLICT"
                + " (workspace_id, user_id) DO UPDATE SET account_id = excluded.account_id, state = excluded.state,"
                + " updated_version = excluded.updated_version");
        PreparedStatement accounts = connection.prepareStatement(
            "INSERT INTO accounts (workspace_id, account_id, state, updated_version) VALUES (?, ?, ?, ?) ON CONFLICT"
                + " (workspace_id, account_id) DO UPDATE SET state = excluded.state, updated_version = excluded.updated_version");
        PreparedStatement warnings = connection.prepareStatement(
            "INSERT INTO event_warnings (seq, warnings, workspace_id) VALUES (?, ?, ?)"
                + " ON CONFLICT (seq) DO UPDATE SET warnings = excluded.warnings")) {
      for (UserState user : changes.users()) {
        users.setLong(1, changes.workspaceId());
        users.setString(2, user.userId());
        users.setString(3, user.accountId());
        users.setString(4, profiles.write(user));
        users.setLong(5, seq);
        users.addBatch();
      }
      users.executeBatch();
      for (AccountState account : changes.accounts()) {
        accounts.setLong(1, changes.workspaceId());
        accounts.setString(2, account.accountId());
        accounts.setString(3, profiles.write(account));
        accounts.setLong(4, seq);
        accounts.addBatch();
      }
      accounts.executeBatch();
      for (Map.Entry<Long, List<Warning>> entry : changes.warnings().entrySet()) {
        warnings.setLong(1, entry.getKey());
        warnings.setString(2, json.writeValueAsString(entry.getValue()));
        warnings.setLong(3, changes.workspaceId());
        warnings.addBatch();
      }
      warnings.executeBatch();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("warnings are plain records", e);
    }
    writeSessions(connection, changes);
    writeUsage(connection, changes);
    writeActivity(connection, changes, seq);
    int warningCount = changes.warnings().values().stream().mapToInt(List::size).sum();
    Sql.update(
        connection,
        "INSERT INTO processing_stats (workspace_id, processed, warnings) VALUES (?, ?, ?) ON CONFLICT"
            + " (workspace_id) DO UPDATE SET processed = processed + excluded.processed,"
            + " warnings = warnings + excluded.warnings",
        changes.workspaceId(), changes.processed(), warningCount);
  }

  /**
   * Sessions as summaries plus appended pieces of events: a grown session keeps its stored pieces
   * (moved to its new start when it starts earlier now) and gets one piece with its new events.
   * Order matters: pieces of dropped sessions go before others move onto their start, and all
   * summaries are deleted before any is inserted (a replacement may start where its old self did).
   */
  private void writeSessions(Connection connection, ProcessedBatch.WorkspaceChanges changes) throws SQLException {
    long workspace = changes.workspaceId();
    List<SessionMerge.Growth> growths = new ArrayList<>();
    // Re-formed exactly as stored: written not at all. By identity: equality would hash every event.
    Set<Session> unchanged = Collections.newSetFromMap(new IdentityHashMap<>());
    try (PreparedStatement dropPieces = connection.prepareStatement(
            "DELETE FROM session_pieces WHERE workspace_id = ? AND session_key = ? AND start_ms = ?");
        PreparedStatement movePieces = connection.prepareStatement(
            "UPDATE session_pieces SET start_ms = ? WHERE workspace_id = ? AND session_key = ? AND start_ms = ?");
        PreparedStatement deleteSummary = connection.prepareStatement(
            "DELETE FROM sessions WHERE workspace_id = ? AND session_key = ? AND start_ms = ?");
        PreparedStatement insertSummary = connection.prepareStatement(
            "INSERT INTO sessions (workspace_id, session_key, start_ms, end_ms, user_id, account_key)"
                + " VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement insertPiece = connection.prepareStatement(
            "INSERT INTO session_pieces (workspace_id, session_key, start_ms, events) VALUES (?, ?, ?, ?)")) {
      for (SessionMerge.Change change : changes.sessions()) {
        for (Session dropped : change.dropped()) {
          bindSession(dropPieces, 1, workspace, dropped.sessionKey(), dropped.startMillis());
          dropPieces.addBatch();
        }
        for (SessionMerge.Growth growth : change.growths()) {
          if (growth.unchanged()) {
            unchanged.add(growth.session());
            unchanged.add(growth.absorbed().get(0));
          } else {
            growths.add(growth);
          }
        }
      }
      dropPieces.executeBatch();
      for (SessionMerge.Growth growth : growths) {
        Session session = growth.session();
        for (Session absorbed : growth.absorbed()) {
          if (absorbed.startMillis() != session.startMillis()) {
            movePieces.setLong(1, session.startMillis());
            bindSession(movePieces, 2, workspace, absorbed.sessionKey(), absorbed.startMillis());
            movePieces.addBatch();
          }
        }
      }
      movePieces.executeBatch();
      for (SessionMerge.Change change : changes.sessions()) {
        for (Session removed : change.removed()) {
          if (unchanged.contains(removed)) {
            continue;
          }
          bindSession(deleteSummary, 1, workspace, removed.sessionKey(), removed.startMillis());
          deleteSummary.addBatch();
        }
      }
      deleteSummary.executeBatch();
      for (SessionMerge.Change change : changes.sessions()) {
        for (Session added : change.added()) {
          if (unchanged.contains(added)) {
            continue;
          }
          bindSession(insertSummary, 1, workspace, added.sessionKey(), added.startMillis());
          insertSummary.setLong(4, added.endMillis());
          insertSummary.setString(5, added.first().userId());
          insertSummary.setString(6, added.first().accountKey());
          insertSummary.addBatch();
        }
      }
      insertSummary.executeBatch();
      for (SessionMerge.Growth growth : growths) {
        if (!growth.newEvents().isEmpty()) {
          Session session = growth.session();
          bindSession(insertPiece, 1, workspace, session.sessionKey(), session.startMillis());
          insertPiece.setString(4, sessions.write(growth.newEvents()));
          insertPiece.addBatch();
        }
      }
      insertPiece.executeBatch();
    }
  }

  private static void bindSession(PreparedStatement statement, int from, long workspaceId, String sessionKey, long startMillis)
      throws SQLException {
    statement.setLong(from, workspaceId);
    statement.setString(from + 1, sessionKey);
    statement.setLong(from + 2, startMillis);
  }

  private void writeUsage(Connection connection, ProcessedBatch.WorkspaceChanges changes) throws SQLException {
    try (PreparedStatement add = connection.prepareStatement(
            "INSERT INTO usage_daily (workspace_id, account_key, day, user_id, module, feature, events, sessions,"
                + " duration_ms, active_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id,"
                + " account_key, day, user_id, module, feature) DO UPDATE SET events = events + excluded.events,"
                + " sessions = sessions + excluded.sessions, duration_ms = duration_ms + excluded.duration_ms,"
                + " active_ms = active_ms + excluded.active_ms");
        PreparedStatement prune = connection.prepareStatement(
            "DELETE FROM usage_daily WHERE workspace_id = ? AND account_key = ? AND day = ? AND user_id = ? AND"
                + " module = ? AND feature = ? AND events = 0 AND sessions = 0 AND duration_ms = 0 AND active_ms = 0")) {
      for (Map.Entry<Cell, Measures> delta : changes.usageDeltas().entrySet()) {
        Cell cell = delta.getKey();
        Measures measures = delta.getValue();
        bindCell(add, changes.workspaceId(), cell);
        add.setLong(7, measures.events());
        add.setLong(8, measures.sessions());
        add.setLong(9, measures.durationMillis());
        add.setLong(10, measures.activeMillis());
        add.addBatch();
        if (measures.events() < 0 || measures.sessions() < 0 || measures.durationMillis() < 0 || measures.activeMillis() < 0) {
          bindCell(prune, changes.workspaceId(), cell); // only a decrease can leave a cell at zero
          prune.addBatch();
        }
      }
      add.executeBatch();
      prune.executeBatch();
    }
  }

  /** The usage deltas summed per account key, user and day: the rows the accounts list reads. */
  private void writeActivity(Connection connection, ProcessedBatch.WorkspaceChanges changes, long seq)
      throws SQLException {
    Map<Cell, Measures> byDay = new HashMap<>();
    changes.usageDeltas().forEach((cell, measures) ->
        byDay.merge(new Cell(cell.day(), cell.userId(), cell.accountKey(), "", ""), measures, Measures::plus));
    try (PreparedStatement add = connection.prepareStatement(
            "INSERT INTO activity_daily (workspace_id, account_key, user_id, day, events, sessions, active_ms,"
                + " updated_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, account_key, user_id, day)"
                + " DO UPDATE SET events = events + excluded.events, sessions = sessions + excluded.sessions,"
                + " active_ms = active_ms + excluded.active_ms, updated_version = excluded.updated_version");
        PreparedStatement prune = connection.prepareStatement(
            "DELETE FROM activity_daily WHERE workspace_id = ? AND account_key = ? AND user_id = ? AND day = ?"
                + " AND events = 0 AND sessions = 0 AND active_ms = 0")) {
      for (Map.Entry<Cell, Measures> delta : byDay.entrySet()) {
        Cell cell = delta.getKey();
        Measures measures = delta.getValue();
        if (measures.events() == 0 && measures.sessions() == 0 && measures.activeMillis() == 0) {
          continue; // duration alone is not shown per day
        }
        bindActivity(add, changes.workspaceId(), cell);
        add.setLong(5, measures.events());
        add.setLong(6, measures.sessions());
        add.setLong(7, measures.activeMillis());
        add.setLong(8, seq);
        add.addBatch();
        if (measures.events() < 0 || measures.sessions() < 0 || measures.activeMillis() < 0) {
          bindActivity(prune, changes.workspaceId(), cell);
          prune.addBatch();
        }
      }
      add.executeBatch();
      prune.executeBatch();
    }
  }

  private static void bindActivity(PreparedStatement statement, long workspaceId, Cell cell) throws SQLException {
    statement.setLong(1, workspaceId);
    statement.setString(2, cell.accountKey());
    statement.setString(3, cell.userId());
    statement.setString(4, cell.day().toString());
  }

  private static void bindCell(PreparedStatement statement, long workspaceId, Cell cell) throws SQLException {
    statement.setLong(1, workspaceId);
    statement.setString(2, cell.accountKey());
    statement.setString(3, cell.day().toString());
    statement.setString(4, cell.userId());
    statement.setString(5, cell.module());
    statement.setString(6, cell.feature());
  }
}
