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
    if (dialect.concurrentWriters()) {
      insertUnnested(connection, target, other, idColumn, groups);
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + target + " (workspace_id, " + idColumn
        + ", seq) SELECT ?, ?, ? WHERE true ON CONFLICT DO NOTHING")) {
      Batch rows = new Batch(insert);
      for (Map.Entry<Indexed, List<ProcessedBatch.Passed>> group : new TreeMap<>(groups).entrySet()) {
        for (ProcessedBatch.Passed event : group.getValue()) {
          insert.setLong(1, group.getKey().workspaceId());
          insert.setString(2, group.getKey().id());
          insert.setLong(3, event.seq());
          rows.add();
        }
      }
      rows.run();
    }
  }

  /**
   * PostgreSQL (several writers): every row in one statement, its columns as arrays unnested
   * server-side, none that the other part holds. As a JDBC batch each row was a statement of its
   * own (an {@code INSERT … SELECT} is not rewritten into multi-row form), two per event.
   */
  private static void insertUnnested(Connection connection, String target, String other, String idColumn,
      Map<Indexed, List<ProcessedBatch.Passed>> groups) throws SQLException {
    int rows = groups.values().stream().mapToInt(List::size).sum();
    Long[] workspaces = new Long[rows];
    String[] ids = new String[rows];
    Long[] seqs = new Long[rows];
    int row = 0;
    for (Map.Entry<Indexed, List<ProcessedBatch.Passed>> group : new TreeMap<>(groups).entrySet()) {
      for (ProcessedBatch.Passed event : group.getValue()) {
        workspaces[row] = group.getKey().workspaceId();
        ids[row] = group.getKey().id();
        seqs[row++] = event.seq();
      }
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + target + " (workspace_id, " + idColumn
        + ", seq) SELECT r.w, r.i, r.s FROM unnest(?::bigint[], ?::text[], ?::bigint[]) AS r (w, i, s)"
        + " WHERE NOT EXISTS (SELECT 1 FROM " + other + " o WHERE o.workspace_id = r.w AND o." + idColumn + " = r.i"
        + " AND o.seq = r.s) ON CONFLICT DO NOTHING")) {
      insert.setArray(1, connection.createArrayOf("bigint", workspaces));
      insert.setArray(2, connection.createArrayOf("text", ids));
      insert.setArray(3, connection.createArrayOf("bigint", seqs));
      insert.executeUpdate();
    }
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
