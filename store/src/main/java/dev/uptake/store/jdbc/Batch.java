package dev.uptake.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Rows of one prepared statement, executed {@value #ROWS} at a time. A JDBC batch keeps every
 * row's parameters until it runs: one statement of a backlog's commit, with 300,000 cells, held
 * millions of boxed values for the seconds the commit took, long enough for the collector to move
 * them to the old generation, where under sustained load they filled a 2 GiB heap (BENCHMARKS.md).
 * Rows still run in the order they are added.
 */
final class Batch {

  static final int ROWS = 1_000;

  private final PreparedStatement statement;
  private int pending;

  Batch(PreparedStatement statement) {
    this.statement = statement;
  }

  /** Adds the statement's current parameters as a row, running the rows so far when there are {@value #ROWS}. */
  void add() throws SQLException {
    statement.addBatch();
    if (++pending == ROWS) {
      run();
    }
  }

  /** Runs the rows not run yet. */
  void run() throws SQLException {
    if (pending > 0) {
      statement.executeBatch();
      pending = 0;
    }
  }
}
