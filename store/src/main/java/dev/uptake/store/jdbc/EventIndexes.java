package dev.uptake.store.jdbc;

import dev.uptake.store.ProcessedBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The events API's indexes of the events processing has passed, by user and by the account an
 * event names. New rows go into small tables ({@code events_by_user_recent},
 * {@code events_by_account_recent}) and move into the big ones in key order ({@link RecentRows}
 * says when, and when a large commit writes into the big ones directly): a commit of live traffic
 * then dirties pages of a small table, not one page per user all over a big one (a quarter of what
 * a live commit wrote, BENCHMARKS.md), and each page of a big one is written once per move. Readers look in both
 * ({@link JdbcLedger.EventsQuery}).
 */
final class EventIndexes {

  private static final List<String> INDEXES = List.of("events_by_user", "events_by_account");

  private final Dialect dialect;
  private final RecentRows recent = new RecentRows();

  EventIndexes(Dialect dialect) {
    this.dialect = dialect;
  }

  /** A user's or an account's events in a commit, in seq order. */
  private record Indexed(long workspaceId, String id) implements Comparable<Indexed> {
    @Override
    public int compareTo(Indexed other) {
      int byWorkspace = Long.compare(workspaceId, other.workspaceId);
      return byWorkspace != 0 ? byWorkspace : id.compareTo(other.id);
    }
  }

  /**
   * Rows for {@code passed}, grouped first and the groups in key order: each user's and account's
   * rows go in together (the events come in seq order, so each group is too), a commit touches each
   * of their pages once, and several writers wait for each other rather than deadlock. Sorting the
   * groups, not the events, costs one comparison chain per user instead of one per event. A batch
   * processed again writes nothing new: on PostgreSQL, where several processors write and Kafka may
   * hand one an event another already passed, a row the other part holds is not written again.
   */
  void write(Connection connection, List<ProcessedBatch.Passed> passed) throws SQLException {
    if (passed.isEmpty()) {
      return;
    }
    boolean straight = RecentRows.straight(passed.size());
    if (!straight && recent.moveBefore(passed.size())) {
      move(connection);
    }
    Map<Indexed, List<ProcessedBatch.Passed>> byUser = new HashMap<>();
    Map<Indexed, List<ProcessedBatch.Passed>> byAccount = new HashMap<>();
    for (ProcessedBatch.Passed event : passed) {
      byUser.computeIfAbsent(new Indexed(event.workspaceId(), event.userId()), key -> new ArrayList<>()).add(event);
      if (event.accountId() != null) {
        byAccount.computeIfAbsent(new Indexed(event.workspaceId(), event.accountId()), key -> new ArrayList<>()).add(event);
      }
    }
    insert(connection, "events_by_user", "user_id", byUser, straight);
    insert(connection, "events_by_account", "account_id", byAccount, straight);
  }

  private void insert(Connection connection, String index, String idColumn, Map<Indexed, List<ProcessedBatch.Passed>> groups,
      boolean straight) throws SQLException {
    String target = straight ? index : index + "_recent";
    String other = straight ? index + "_recent" : index;
    boolean guarded = dialect.concurrentWriters();
    String sql = "INSERT INTO " + target + " (workspace_id, " + idColumn + ", seq) SELECT ?, ?, ?"
        + (guarded ? " WHERE NOT EXISTS (SELECT 1 FROM " + other + " WHERE workspace_id = ? AND " + idColumn + " = ?"
            + " AND seq = ?)" : " WHERE true") + " ON CONFLICT DO NOTHING";
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      Batch rows = new Batch(insert);
      for (Map.Entry<Indexed, List<ProcessedBatch.Passed>> group : new TreeMap<>(groups).entrySet()) {
        for (ProcessedBatch.Passed event : group.getValue()) {
          bindRow(insert, 1, group.getKey(), event.seq());
          if (guarded) {
            bindRow(insert, 4, group.getKey(), event.seq());
          }
          rows.add();
        }
      }
      rows.run();
    }
  }

  private static void bindRow(PreparedStatement statement, int from, Indexed key, long seq) throws SQLException {
    statement.setLong(from, key.workspaceId());
    statement.setString(from + 1, key.id());
    statement.setLong(from + 2, seq);
  }

  /**
   * The recent rows into the big tables. On PostgreSQL in one statement, so a row another writer
   * commits meanwhile is either moved or left for the next move, never deleted unmoved.
   */
  private void move(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String index : INDEXES) {
        if (dialect.concurrentWriters()) {
          statement.executeUpdate("WITH moved AS (DELETE FROM " + index + "_recent RETURNING *) INSERT INTO " + index
              + " SELECT * FROM moved ON CONFLICT DO NOTHING");
        } else {
          statement.executeUpdate("INSERT INTO " + index + " SELECT * FROM " + index + "_recent WHERE true"
              + " ON CONFLICT DO NOTHING");
          statement.executeUpdate("DELETE FROM " + index + "_recent");
        }
      }
    }
  }
}
