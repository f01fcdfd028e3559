package dev.uptake.store.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.ProfileJson;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.ingest.Warning;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.sessions.SessionJson;
import dev.uptake.store.CursorMovedException;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.Quarantined;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one processing commit inside the caller's transaction: each workspace's users, accounts,
 * warnings, sessions ({@link SessionRows}), usage ({@link UsageCells}) and activity, the events set
 * aside or released, the events API's indexes ({@link EventIndexes}), and last the cursor, which
 * must still be where the batch started. Rows are written in key order, so commits of several
 * processes that touch the same rows wait for each other instead of deadlocking.
 */
public final class StateWrites {

  private final ProfileJson profiles;
  private final SessionRows sessionRows;
  private final EventIndexes eventIndexes;
  private final UsageCells usageCells;
  private final Dialect dialect;

  public StateWrites(ObjectMapper json, Dialect dialect) {
    this.profiles = new ProfileJson(json);
    this.sessionRows = new SessionRows(new SessionJson(json), dialect);
    this.eventIndexes = new EventIndexes(dialect);
    this.usageCells = new UsageCells(dialect);
    this.dialect = dialect;
  }

  /**
   * Everything {@code batch} changes, its rows marked with {@code version}; the caller commits.
   *
   * @throws CursorMovedException when the cursor is not at {@code batch.from()}
   */
  public void write(Connection connection, ProcessedBatch batch, long version) throws SQLException {
    writeChanges(connection, batch, version);
    moveCursor(connection, batch);
  }

  /** What {@code batch} changes, without the cursor: for a log that keeps its position elsewhere (Kafka's offsets). */
  public void writeChanges(Connection connection, ProcessedBatch batch, long version) throws SQLException {
    if (batch.replay() instanceof ProcessedBatch.Replay.Start start) {
      clear(connection, start);
    }
    List<ProcessedBatch.WorkspaceChanges> workspaces = new ArrayList<>(batch.workspaces());
    workspaces.sort(Comparator.comparingLong(ProcessedBatch.WorkspaceChanges::workspaceId));
    for (ProcessedBatch.WorkspaceChanges changes : workspaces) {
      writeDerived(connection, changes, version);
    }
    writeQuarantine(connection, batch);
    eventIndexes.write(connection, batch.passed());
    if (batch.replay() instanceof ProcessedBatch.Replay.Progress progress) {
      Sql.update(connection, "UPDATE reprocess SET next_seq = ?, done = done + ?, finished_at = ?"
              + " WHERE workspace_id = ? AND started_at = ?", progress.nextSeq(), progress.done(),
          progress.finishedAt() == null ? null : progress.finishedAt().toEpochMilli(), progress.workspaceId(),
          progress.request().toEpochMilli());
    }
    // Last, with the counters: accounts (and users whose events reach several partitions) are rows
    // other processors' commits write too, so their locks are held only for the end of a commit.
    for (ProcessedBatch.WorkspaceChanges changes : workspaces) {
      writeProfiles(connection, changes, version);
    }
    countProcessed(connection, workspaces);
  }

  /**
   * Tables that hold what processing derived from a workspace's events, all keyed by workspace
   * first. session_pieces has no workspace: its rows go first, found through the workspace's
   * sessions ({@link SessionRows#clear}).
   */
  private static final List<String> DERIVED = List.of(
      "users", "accounts", "sessions", "usage_daily", "usage_daily_recent", "activity_daily", "event_warnings");

  /** A reprocessing starts: the workspace's derived state goes, to be replayed from its events. */
  private static void clear(Connection connection, ProcessedBatch.Replay.Start start) throws SQLException {
    SessionRows.clear(connection, start.workspaceId());
    for (String table : DERIVED) {
      Sql.update(connection, "DELETE FROM " + table + " WHERE workspace_id = ?", start.workspaceId());
    }
    Sql.update(connection, "UPDATE processing_stats SET warnings = 0 WHERE workspace_id = ?", start.workspaceId());
    Sql.update(connection, "UPDATE reprocess SET started_at = ?, through_seq = ?, next_seq = 0, done = 0, total = ?,"
        + " finished_at = NULL WHERE workspace_id = ?", start.request().toEpochMilli(), start.throughSeq(), start.total(),
        start.workspaceId());
  }

  /** Last, so the cursor's row is held only for the end of a commit that others may be making too. */
  private static void moveCursor(Connection connection, ProcessedBatch batch) throws SQLException {
    if (Sql.update(connection, "UPDATE processing_cursor SET seq = ? WHERE id = 1 AND seq = ?", batch.cursor(),
        batch.from()) == 0) {
      long[] found = {-1};
      try (PreparedStatement read = connection.prepareStatement("SELECT seq FROM processing_cursor WHERE id = 1");
          ResultSet rows = read.executeQuery()) {
        if (rows.next()) {
          found[0] = rows.getLong(1);
        }
      }
      throw new CursorMovedException(batch.from(), found[0]);
    }
  }

  private void writeQuarantine(Connection connection, ProcessedBatch batch) throws SQLException {
    try (PreparedStatement release = connection.prepareStatement("DELETE FROM quarantine WHERE seq = ?");
        PreparedStatement setAside = connection.prepareStatement(
            "INSERT INTO quarantine (seq, workspace_id, message_id, error, failed_at, attempts) VALUES (?, ?, ?, ?, ?, 1)"
                + " ON CONFLICT (seq) DO UPDATE SET error = excluded.error, failed_at = excluded.failed_at,"
                + " attempts = quarantine.attempts + 1, retry_requested = 0")) {
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

  /** The workspace's changed users and accounts; where several write, merged with what they committed. */
  private void writeProfiles(Connection connection, ProcessedBatch.WorkspaceChanges changes, long version)
      throws SQLException {
    List<UserState> users = new ArrayList<>(changes.users());
    users.sort(Comparator.comparing(UserState::userId));
    List<AccountState> accounts = new ArrayList<>(changes.accounts());
    accounts.sort(Comparator.comparing(AccountState::accountId));
    if (dialect.concurrentWriters()) {
      MergedProfiles merged = new MergedProfiles(profiles);
      users = merged.users(connection, changes.workspaceId(), users, version); // the new ones are written now
      accounts = merged.accounts(connection, changes.workspaceId(), accounts, version);
    }
    try (PreparedStatement userRows = connection.prepareStatement(
            "INSERT INTO users (workspace_id, user_id, account_id, state, updated_version) VALUES (?, ?, ?, ?, ?) ON CONFLICT"
                + " (workspace_id, user_id) DO UPDATE SET account_id = excluded.account_id, state = excluded.state,"
                + " updated_version = excluded.updated_version");
        PreparedStatement accountRows = connection.prepareStatement(
            "INSERT INTO accounts (workspace_id, account_id, state, updated_version) VALUES (?, ?, ?, ?) ON CONFLICT"
                + " (workspace_id, account_id) DO UPDATE SET state = excluded.state, updated_version = excluded.updated_version")) {
      Batch userBatch = new Batch(userRows);
      for (UserState user : users) {
        userRows.setLong(1, changes.workspaceId());
        userRows.setString(2, user.userId());
        userRows.setString(3, user.accountId());
        userRows.setString(4, profiles.write(user));
        userRows.setLong(5, version);
        userBatch.add();
      }
      userBatch.run();
      Batch accountBatch = new Batch(accountRows);
      for (AccountState account : accounts) {
        accountRows.setLong(1, changes.workspaceId());
        accountRows.setString(2, account.accountId());
        accountRows.setString(3, profiles.write(account));
        accountRows.setLong(4, version);
        accountBatch.add();
      }
      accountBatch.run();
    }
  }

  /** What a workspace's events derived besides users and accounts: warnings, sessions, usage. */
  private void writeDerived(Connection connection, ProcessedBatch.WorkspaceChanges changes, long version)
      throws SQLException {
    try (PreparedStatement warnings = connection.prepareStatement(
        "INSERT INTO event_warnings (seq, warnings, workspace_id) VALUES (?, ?, ?)"
            + " ON CONFLICT (seq) DO UPDATE SET warnings = excluded.warnings")) {
      Batch warningRows = new Batch(warnings);
      for (Map.Entry<Long, List<Warning>> entry : new TreeMap<>(changes.warnings()).entrySet()) {
        warnings.setLong(1, entry.getKey());
        warnings.setString(2, WarningsJson.write(entry.getValue()));
        warnings.setLong(3, changes.workspaceId());
        warningRows.add();
      }
      warningRows.run();
    }
    sessionRows.write(connection, changes.workspaceId(), changes.sessions());
    usageCells.write(connection, changes);
    writeActivity(connection, changes, version);
  }

  /**
   * The workspaces' processing counts: one row each, which every processor's commit changes, so
   * they come last, where the lock is held only for the end of a commit that others make too.
   */
  private static void countProcessed(Connection connection, List<ProcessedBatch.WorkspaceChanges> workspaces)
      throws SQLException {
    for (ProcessedBatch.WorkspaceChanges changes : workspaces) {
      int warningCount = changes.warnings().values().stream().mapToInt(List::size).sum();
      Sql.update(
          connection,
          "INSERT INTO processing_stats (workspace_id, processed, warnings) VALUES (?, ?, ?) ON CONFLICT"
              + " (workspace_id) DO UPDATE SET processed = processing_stats.processed + excluded.processed,"
              + " warnings = processing_stats.warnings + excluded.warnings",
          changes.workspaceId(), changes.processed(), warningCount);
    }
  }

  /** The usage deltas summed per account key, user and day: the rows the accounts list reads. */
  private void writeActivity(Connection connection, ProcessedBatch.WorkspaceChanges changes, long version)
      throws SQLException {
    Map<Cell, Measures> byDay = new HashMap<>();
    changes.usageDeltas().forEach((cell, measures) ->
        byDay.merge(new Cell(cell.day(), cell.userId(), cell.accountKey(), "", ""), measures, Measures::plus));
    try (PreparedStatement add = connection.prepareStatement(
            "INSERT INTO activity_daily (workspace_id, account_key, user_id, day, events, sessions, active_ms,"
                + " updated_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, account_key, user_id, day)"
                + " DO UPDATE SET events = activity_daily.events + excluded.events, sessions = activity_daily.sessions + excluded.sessions,"
                + " active_ms = activity_daily.active_ms + excluded.active_ms, updated_version = excluded.updated_version");
        PreparedStatement prune = connection.prepareStatement(
            "DELETE FROM activity_daily WHERE workspace_id = ? AND account_key = ? AND user_id = ? AND day = ?"
                + " AND events = 0 AND sessions = 0 AND active_ms = 0")) {
      Batch adds = new Batch(add);
      for (Map.Entry<Cell, Measures> delta : CellOrder.ACTIVITY.sorted(byDay)) {
        Cell cell = delta.getKey();
        Measures measures = delta.getValue();
        if (measures.events() == 0 && measures.sessions() == 0 && measures.activeMillis() == 0) {
          continue; // duration alone is not shown per day
        }
        bindActivity(add, changes.workspaceId(), cell);
        add.setLong(5, measures.events());
        add.setLong(6, measures.sessions());
        add.setLong(7, measures.activeMillis());
        add.setLong(8, version);
        adds.add();
        if (measures.events() < 0 || measures.sessions() < 0 || measures.activeMillis() < 0) {
          bindActivity(prune, changes.workspaceId(), cell);
          prune.addBatch();
        }
      }
      adds.run();
      prune.executeBatch(); // after every add: only an added decrease leaves a row at zero
    }
  }

  private static void bindActivity(PreparedStatement statement, long workspaceId, Cell cell) throws SQLException {
    statement.setLong(1, workspaceId);
    statement.setString(2, cell.accountKey());
    statement.setString(3, cell.userId());
    statement.setString(4, cell.day().toString());
  }
}
