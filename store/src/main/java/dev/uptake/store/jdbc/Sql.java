package dev.uptake.store.jdbc;

import dev.uptake.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The few JDBC shapes this package repeats: a query row by row, an insert, a transaction. */
public final class Sql {

  /** Reads the current row. */
  @FunctionalInterface
  public interface RowReader {
    void read(ResultSet rows) throws SQLException;
  }

  /** Work inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private Sql() {}

  public static void query(DataSource pool, String sql, RowReader reader, Object... parameters) {
    if (matchesNothing(parameters)) {
      return;
    }
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, parameters);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          reader.read(rows);
        }
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /**
   * Whether a lookup names a text with U+0000: no store keeps one (ingest refuses them, since
   * PostgreSQL cannot hold them in text), so nothing matches it; asked of PostgreSQL, it would be
   * an error instead (credentials decoded from a header can hold any byte).
   */
  private static boolean matchesNothing(Object... parameters) {
    for (Object parameter : parameters) {
      if (parameter instanceof String text && text.indexOf('\u0000') >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Ids per IN (…) list: within every backend's parameter limit (SQLite's is 32766), and smaller lists plan just as well. */
  private static final int CHUNK = 500;

  /**
   * Runs {@code sql}, which ends with {@code IN }, once per chunk of {@code ids}: the chunk's
   * placeholders follow it, its values the other {@code parameters}.
   */
  public static void queryIn(DataSource pool, String sql, Collection<String> ids, RowReader reader, Object... parameters) {
    List<String> all = ids.stream().filter(id -> id.indexOf('\u0000') < 0).toList();
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
      Object[] bound = Arrays.copyOf(parameters, parameters.length + chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        bound[parameters.length + i] = chunk.get(i);
      }
      query(pool, sql + "(" + "?,".repeat(chunk.size() - 1) + "?)", reader, bound);
    }
  }

  /**
   * Runs {@code sql}, whose last placeholder takes {@code ids} as one PostgreSQL text array (as
   * in {@code = ANY (?)}), after the other {@code parameters}.
   */
  public static void queryAny(DataSource pool, String sql, Collection<String> ids, RowReader reader, Object... parameters) {
    Object[] all = ids.stream().filter(id -> id.indexOf('\u0000') < 0).toArray();
    if (all.length == 0) {
      return;
    }
    try (Connection connection = pool.getConnection()) {
      Object[] bound = Arrays.copyOf(parameters, parameters.length + 1);
      bound[parameters.length] = connection.createArrayOf("text", all);
      query(connection, sql, reader, bound);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** How long a transaction that met another writer on SQLite is tried again: SQLite's busy timeout. */
  static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);

  /**
   * Runs {@code work} in one transaction on a connection of {@code pool}, rolling back on failure.
   *
   * <p>On SQLite the transaction is deferred: it takes uptake.db's write lock at its first write,
   * and state.db's only if it writes there (BEGIN IMMEDIATE would take both, so a sign-in would
   * wait for processing's commit, and the event log for the sign-in). Work that reads before it
   * writes then fails at once, without waiting, when another connection writes meanwhile
   * (SQLITE_BUSY): SQLite's answer is to run it again, which this does, for up to its busy timeout.
   */
  public static <T> T inTransaction(DataSource pool, Work<T> work) {
    long deadline = System.nanoTime() + RETRY_NANOS;
    for (int attempt = 1; ; attempt++) {
      try {
        return once(pool, work);
      } catch (SQLException e) {
        if (!(e instanceof SQLiteException busy && busy.getResultCode().code % 256 == SQLiteErrorCode.SQLITE_BUSY.code)
            || System.nanoTime() - deadline > 0) {
          throw unavailable(e);
        }
        pause(attempt, e);
      }
    }
  }

  private static <T> T once(DataSource pool, Work<T> work) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }

  /** Waits a little longer each time, as SQLite's busy handler does, before the next attempt. */
  private static void pause(int attempt, SQLException cause) {
    try {
      Thread.sleep(Math.min(50, 2L * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(cause);
    }
  }

  /**
   * SQLite: runs {@code work} in a write transaction on a connection in auto-commit mode, rolling back on
   * failure. IMMEDIATE takes the write lock up front: a deferred transaction that reads first fails
   * with SQLITE_BUSY_SNAPSHOT when another connection wrote meanwhile.
   */
  public static <T> T immediate(Connection connection, Work<T> work) throws SQLException {
    try (Statement control = connection.createStatement()) {
      control.execute("BEGIN IMMEDIATE");
      try {
        T result = work.run(connection);
        control.execute("COMMIT");
        return result;
      } catch (SQLException | RuntimeException e) {
        rollBack(control, e);
        throw e;
      }
    }
  }

  /** Rolls back what SQLite has not already rolled back itself (it does on some errors). */
  private static void rollBack(Statement control, Exception cause) {
    try {
      control.execute("ROLLBACK");
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Runs an insert into a table with an {@code id} column and returns the new row's id. */
  public static long insert(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql + " RETURNING id")) {
      bind(statement, parameters);
      try (ResultSet keys = statement.executeQuery()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  /** Reads {@code sql}'s rows on the caller's connection, inside its transaction. */
  public static void query(Connection connection, String sql, RowReader reader, Object... parameters) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, parameters);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          reader.read(rows);
        }
      }
    }
  }

  public static int update(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, parameters);
      return statement.executeUpdate();
    }
  }

  /** The failure as callers see it; a pool's timeout carries why it could not connect. */
  public static StoreUnavailableException unavailable(SQLException e) {
    String cause = e.getCause() != null && e.getCause() != e ? " (" + e.getCause().getMessage() + ")" : "";
    return new StoreUnavailableException("the store failed: " + e.getMessage() + cause, e);
  }

  /** Binds {@code parameters} to the statement's placeholders, in order. */
  public static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      statement.setObject(i + 1, parameters[i]);
    }
  }
}
