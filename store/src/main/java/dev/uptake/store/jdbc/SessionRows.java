package dev.uptake.store.jdbc;

import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionJson;
import dev.uptake.core.sessions.SessionMerge;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sessions as a summary row each ({@code sessions}: key, start, end, owner) and their events in
 * pieces, one per batch that grew the session ({@link SessionMerge.Growth}), chained newest first:
 * each piece names the one before it ({@code prev}) and the summary names the newest
 * ({@code last_piece}). Growing a session appends a piece at the end of {@code session_pieces}
 * (ids only increase) and rewrites its summary's non-indexed columns, so live traffic dirties no
 * page in the middle of an index; an index of pieces by session, which this replaced, took a
 * fifth of a live commit (BENCHMARKS.md).
 */
final class SessionRows {

  /**
   * The events of the sessions {@code summaries} selects (session_key, start_ms, last_piece), one
   * row per piece: session_key, start_ms, events. One recursive query walks every chain.
   */
  static String withEvents(String summaries) {
    return "WITH RECURSIVE s (session_key, start_ms, last_piece) AS (" + summaries + "),"
        + " chain (session_key, start_ms, prev, events) AS (SELECT s.session_key, s.start_ms, p.prev, p.events"
        + " FROM s JOIN session_pieces p ON p.id = s.last_piece UNION ALL SELECT c.session_key, c.start_ms, p.prev,"
        + " p.events FROM chain c JOIN session_pieces p ON p.id = c.prev)"
        + " SELECT session_key, start_ms, events FROM chain";
  }

  /** Deletes every piece of the sessions {@code summaries} selects (their last_piece): each session's whole chain. */
  private static String deleteChainsOf(String summaries) {
    return "DELETE FROM session_pieces WHERE id IN (WITH RECURSIVE chain (id) AS (" + summaries
        + " UNION ALL SELECT p.prev FROM chain c JOIN session_pieces p ON p.id = c.id WHERE p.prev IS NOT NULL)"
        + " SELECT id FROM chain)";
  }

  private static final String DELETE_CHAIN =
      deleteChainsOf("SELECT last_piece FROM sessions WHERE workspace_id = ? AND session_key = ? AND start_ms = ?");

  private final SessionJson json;
  private final Dialect dialect;

  SessionRows(SessionJson json, Dialect dialect) {
    this.json = json;
    this.dialect = dialect;
  }

  /** Before a workspace's summaries are deleted for a reprocessing: every piece they reach. */
  static void clear(Connection connection, long workspaceId) throws SQLException {
    Sql.update(connection, deleteChainsOf("SELECT last_piece FROM sessions WHERE workspace_id = ?"), workspaceId);
  }

  /**
   * Writes what {@code changes} did to the stored sessions. A growth of one stored session (live
   * traffic extending it, or a late event moving its start) appends a piece of its new events to
   * that session's chain; a growth joining several stored sessions (a late event bridging a gap,
   * rare) writes its events as one new chain and deletes theirs, as does a session dropped. A
   * summary row that keeps its start is updated in place, its owner only when it changed: an UPDATE
   * naming an indexed column rewrites that index's entry even to the value it had. Order matters:
   * chains are read (for a new piece's prev) and deleted before any summary is, and all summaries
   * are deleted before any is inserted (a replacement may start where its old self did).
   */
  void write(Connection connection, long workspace, List<SessionMerge.Change> changes) throws SQLException {
    List<SessionMerge.Growth> growths = new ArrayList<>();
    // Re-formed exactly as stored: written not at all. By identity: equality would hash every event.
    Set<Session> unchanged = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Session> chainsToDelete = new ArrayList<>();
    for (SessionMerge.Change change : changes) {
      chainsToDelete.addAll(change.dropped());
      for (SessionMerge.Growth growth : change.growths()) {
        if (growth.unchanged()) {
          unchanged.add(growth.absorbed().get(0));
        } else {
          growths.add(growth);
          if (growth.absorbed().size() > 1) {
            chainsToDelete.addAll(growth.absorbed());
          }
        }
      }
    }
    try (PreparedStatement deleteChain = connection.prepareStatement(DELETE_CHAIN)) {
      for (Session session : chainsToDelete) {
        bindSession(deleteChain, 1, workspace, session.sessionKey(), session.startMillis());
        deleteChain.addBatch();
      }
      deleteChain.executeBatch();
    }
    long[] pieceIds = newPieceIds(connection, growths.size());
    appendPieces(connection, workspace, growths, pieceIds);
    writeSummaries(connection, workspace, changes, growths, unchanged, pieceIds);
  }

  /** One piece per growth: after the chain of the one session it grew, or the first of a new chain. */
  private void appendPieces(Connection connection, long workspace, List<SessionMerge.Growth> growths, long[] ids)
      throws SQLException {
    try (PreparedStatement after = connection.prepareStatement(
            "INSERT INTO session_pieces (id, prev, events) VALUES (?, (SELECT last_piece FROM sessions"
                + " WHERE workspace_id = ? AND session_key = ? AND start_ms = ?), ?)");
        PreparedStatement first = connection.prepareStatement(
            "INSERT INTO session_pieces (id, prev, events) VALUES (?, NULL, ?)")) {
      Batch afterRows = new Batch(after);
      Batch firstRows = new Batch(first);
      for (int i = 0; i < growths.size(); i++) {
        SessionMerge.Growth growth = growths.get(i);
        if (growth.absorbed().size() == 1) {
          Session grown = growth.absorbed().get(0);
          after.setLong(1, ids[i]);
          bindSession(after, 2, workspace, grown.sessionKey(), grown.startMillis());
          after.setString(5, json.write(growth.newEvents()));
          afterRows.add();
        } else {
          first.setLong(1, ids[i]);
          first.setString(2, json.write(growth.session().events()));
          firstRows.add();
        }
      }
      afterRows.run();
      firstRows.run();
    }
  }

  private void writeSummaries(Connection connection, long workspace, List<SessionMerge.Change> changes,
      List<SessionMerge.Growth> growths, Set<Session> unchanged, long[] pieceIds) throws SQLException {
    // The stored session whose row each growth keeps (the one it absorbed at its own start), by identity.
    Set<Session> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Session> inPlace = new ArrayList<>(growths.size());
    for (SessionMerge.Growth growth : growths) {
      Session same = null;
      for (Session absorbed : growth.absorbed()) {
        if (absorbed.startMillis() == growth.session().startMillis()) {
          same = absorbed;
          kept.add(absorbed);
        }
      }
      inPlace.add(same);
    }
    try (PreparedStatement deleteSummary = connection.prepareStatement(
            "DELETE FROM sessions WHERE workspace_id = ? AND session_key = ? AND start_ms = ?");
        PreparedStatement insertSummary = connection.prepareStatement(
            "INSERT INTO sessions (workspace_id, session_key, start_ms, end_ms, user_id, account_key, last_piece)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement updateSummary = connection.prepareStatement(
            "UPDATE sessions SET end_ms = ?, last_piece = ?, user_id = ?, account_key = ? WHERE workspace_id = ?"
                + " AND session_key = ? AND start_ms = ?");
        PreparedStatement updateEnd = connection.prepareStatement(
            "UPDATE sessions SET end_ms = ?, last_piece = ? WHERE workspace_id = ? AND session_key = ? AND start_ms = ?")) {
      for (SessionMerge.Change change : changes) {
        for (Session removed : change.removed()) {
          if (!unchanged.contains(removed) && !kept.contains(removed)) {
            bindSession(deleteSummary, 1, workspace, removed.sessionKey(), removed.startMillis());
            deleteSummary.addBatch();
          }
        }
      }
      deleteSummary.executeBatch();
      Batch endRows = new Batch(updateEnd);
      Batch summaryRows = new Batch(updateSummary);
      Batch newRows = new Batch(insertSummary);
      for (int i = 0; i < growths.size(); i++) {
        Session session = growths.get(i).session();
        Session before = inPlace.get(i);
        if (before != null && sameOwner(before, session)) {
          updateEnd.setLong(1, session.endMillis());
          updateEnd.setLong(2, pieceIds[i]);
          bindSession(updateEnd, 3, workspace, session.sessionKey(), session.startMillis());
          endRows.add();
        } else if (before != null) {
          updateSummary.setLong(1, session.endMillis());
          updateSummary.setLong(2, pieceIds[i]);
          updateSummary.setString(3, session.first().userId());
          updateSummary.setString(4, session.first().accountKey());
          bindSession(updateSummary, 5, workspace, session.sessionKey(), session.startMillis());
          summaryRows.add();
        } else {
          bindSession(insertSummary, 1, workspace, session.sessionKey(), session.startMillis());
          insertSummary.setLong(4, session.endMillis());
          insertSummary.setString(5, session.first().userId());
          insertSummary.setString(6, session.first().accountKey());
          insertSummary.setLong(7, pieceIds[i]);
          newRows.add();
        }
      }
      endRows.run();
      summaryRows.run();
      newRows.run();
    }
  }

  /**
   * Ids for {@code count} new pieces, above every id in use. PostgreSQL: its sequence, which
   * several writers share safely. SQLite: after the highest, as one process writes state.db.
   */
  private long[] newPieceIds(Connection connection, int count) throws SQLException {
    long[] ids = new long[count];
    if (count == 0) {
      return ids;
    }
    if (dialect == Dialect.POSTGRESQL) {
      int[] at = {0};
      Sql.query(connection, "SELECT nextval('session_pieces_id_seq') FROM generate_series(1, ?)",
          rows -> ids[at[0]++] = rows.getLong(1), count);
    } else {
      long[] highest = {0};
      Sql.query(connection, "SELECT coalesce(max(id), 0) FROM session_pieces", rows -> highest[0] = rows.getLong(1));
      for (int i = 0; i < count; i++) {
        ids[i] = highest[0] + 1 + i;
      }
    }
    return ids;
  }

  /** Whether the summary row of {@code before} names the user and account that {@code after}'s should. */
  private static boolean sameOwner(Session before, Session after) {
    return before.first().userId().equals(after.first().userId())
        && before.first().accountKey().equals(after.first().accountKey());
  }

  private static void bindSession(PreparedStatement statement, int from, long workspaceId, String sessionKey, long startMillis)
      throws SQLException {
    statement.setLong(from, workspaceId);
    statement.setString(from + 1, sessionKey);
    statement.setLong(from + 2, startMillis);
  }

  /** The rows of a {@link #withEvents} query gathered into sessions, in the order each first appears. */
  static final class Pieces {
    private record Id(String sessionKey, long startMillis) {}

    private final Map<Id, List<String>> bySession = new LinkedHashMap<>();

    void add(ResultSet row) throws SQLException {
      bySession.computeIfAbsent(new Id(row.getString(1), row.getLong(2)), id -> new ArrayList<>()).add(row.getString(3));
    }

    List<Session> sessions(SessionJson json) {
      List<Session> sessions = new ArrayList<>(bySession.size());
      bySession.forEach((id, pieces) -> sessions.add(json.session(id.sessionKey(), pieces)));
      return sessions;
    }
  }
}
