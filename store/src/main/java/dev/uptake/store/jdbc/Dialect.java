package dev.uptake.store.jdbc;

/**
 * What differs between the SQL the two backends take; everything else in this package is the same
 * statement on both.
 */
public enum Dialect {
  /**
   * The embedded store. Its planner has no statistics until {@code PRAGMA optimize} gathers them,
   * so hot queries name their index; one process writes, so rows need no locks.
   */
  SQLITE {
    @Override
    public String indexedBy(String index) {
      return " INDEXED BY " + index;
    }

    @Override
    public String unindexed(String column) {
      return "+" + column;
    }
  },
  /**
   * PostgreSQL: its planner keeps statistics itself (hints would be syntax errors), and several
   * processes may write the same rows at once.
   */
  POSTGRESQL {
    @Override
    public String indexedBy(String index) {
      return "";
    }

    @Override
    public String unindexed(String column) {
      return column;
    }
  };

  /** After a table name: the index a query must use, where the planner would pick a worse one. */
  public abstract String indexedBy(String index);

  /** A column in a condition that must not pick an index on it (SQLite's unary plus). */
  public abstract String unindexed(String column);

  /** Whether several processes may commit processing changes to the same rows at once. */
  public boolean concurrentWriters() {
    return this == POSTGRESQL;
  }
}
