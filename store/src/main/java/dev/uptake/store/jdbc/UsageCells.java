package dev.uptake.store.jdbc;

import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.UsageRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daily usage cells ({@link Cell}). On SQLite a commit adds its deltas to a small table,
 * {@code usage_daily_recent}, and those move into {@code usage_daily} in key order ({@link
 * RecentRows} says when, and when a large commit adds to it directly): live traffic reaches cells
 * of every user and day, and adding to them in place dirtied a page per cell all over the big
 * table and its index (half of what a live commit wrote, BENCHMARKS.md); now each of its pages is
 * written once per move. A cell's
 * value is its row in {@code usage_daily} plus its row in the recent table; readers add them
 * ({@link #merged}). On PostgreSQL, where several processors add to the same cells and a move
 * would lock them in another order than the writers do, deltas go straight into
 * {@code usage_daily} and the recent table stays empty.
 */
final class UsageCells {

  private static final String KEY = "workspace_id, account_key, day, user_id, module, feature";
  private static final String MEASURES = "events, sessions, duration_ms, active_ms, measured_ms";
  private static final String ZERO = "events = 0 AND sessions = 0 AND duration_ms = 0 AND active_ms = 0 AND measured_ms = 0";

  /** PostgreSQL: every commit adds to usage_daily. */
  private final boolean alwaysStraight;
  private final RecentRows recent = new RecentRows();

  UsageCells(Dialect dialect) {
    this.alwaysStraight = dialect.concurrentWriters();
  }

  /** Adds the commit's deltas, in key order; a row that a decrease leaves at zero goes. */
  void write(Connection connection, ProcessedBatch.WorkspaceChanges changes) throws SQLException {
    if (changes.usageDeltas().isEmpty()) {
      return;
    }
    boolean straight = alwaysStraight || RecentRows.straight(changes.usageDeltas().size());
    if (!straight && recent.moveBefore(changes.usageDeltas().size())) {
      move(connection);
    }
    String table = straight ? "usage_daily" : "usage_daily_recent";
    try (PreparedStatement add = connection.prepareStatement(
            "INSERT INTO " + table + " (" + KEY + ", " + MEASURES + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (" + KEY + ") DO UPDATE SET " + added(table));
        PreparedStatement prune = connection.prepareStatement(
            "DELETE FROM " + table + " WHERE workspace_id = ? AND account_key = ? AND day = ? AND user_id = ?"
                + " AND module = ? AND feature = ? AND " + ZERO)) {
      Batch adds = new Batch(add);
      for (Map.Entry<Cell, Measures> delta : CellOrder.USAGE.sorted(changes.usageDeltas())) {
        Cell cell = delta.getKey();
        Measures measures = delta.getValue();
        bindCell(add, changes.workspaceId(), cell);
        add.setLong(7, measures.events());
        add.setLong(8, measures.sessions());
        add.setLong(9, measures.durationMillis());
        add.setLong(10, measures.activeMillis());
        add.setLong(11, measures.measuredMillis());
        adds.add();
        if (measures.events() < 0 || measures.sessions() < 0 || measures.durationMillis() < 0 || measures.activeMillis() < 0
            || measures.measuredMillis() < 0) {
          bindCell(prune, changes.workspaceId(), cell); // only a decrease can leave a row at zero
          prune.addBatch();
        }
      }
      adds.run();
      prune.executeBatch(); // after every add: only an added decrease leaves a row at zero
    }
  }

  /** The recent rows added into usage_daily in key order; the cells a decrease left at zero go. */
  private static void move(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("INSERT INTO usage_daily (" + KEY + ", " + MEASURES + ") SELECT " + KEY + ", " + MEASURES
          + " FROM usage_daily_recent WHERE true ORDER BY " + KEY + " ON CONFLICT (" + KEY + ") DO UPDATE SET "
          + added("usage_daily"));
      statement.executeUpdate("DELETE FROM usage_daily WHERE (" + KEY + ") IN (SELECT " + KEY + " FROM usage_daily_recent"
          + " WHERE events < 0 OR sessions < 0 OR duration_ms < 0 OR active_ms < 0 OR measured_ms < 0) AND " + ZERO);
      statement.executeUpdate("DELETE FROM usage_daily_recent");
    }
  }

  private static String added(String table) {
    return "events = " + table + ".events + excluded.events, sessions = " + table + ".sessions + excluded.sessions,"
        + " duration_ms = " + table + ".duration_ms + excluded.duration_ms, active_ms = " + table + ".active_ms"
        + " + excluded.active_ms, measured_ms = " + table + ".measured_ms + excluded.measured_ms";
  }

  /** Rows read from usage_daily and its recent table as cells: a cell's rows added, cells at zero left out. */
  static List<UsageRow> merged(List<UsageRow> rows) {
    Map<Cell, Measures> cells = new LinkedHashMap<>();
    rows.forEach(row -> cells.merge(row.cell(), row.measures(), Measures::plus));
    List<UsageRow> merged = new ArrayList<>(cells.size());
    cells.forEach((cell, measures) -> {
      if (!measures.isZero()) {
        merged.add(new UsageRow(cell, measures));
      }
    });
    return merged;
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
