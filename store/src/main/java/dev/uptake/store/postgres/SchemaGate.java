package dev.uptake.store.postgres;

import dev.uptake.store.DatabaseUrl;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.jdbc.Migrations;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

/**
 * Connections to the database once it has this version's schema; until then each attempt fails
 * with a reason a 503 can carry. Opening migrates at once when the database answers; when it does
 * not, a background thread tries again every {@link #RETRY_SECONDS} seconds and logs why it waits.
 */
final class SchemaGate implements DataSource, AutoCloseable {

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(SchemaGate.class);
  static final long RETRY_SECONDS = 2;
  static final String LOCATION = "db/postgresql";

  private final PGSimpleDataSource database;
  private final DatabaseUrl url;
  private volatile boolean ready;
  private volatile String waitingFor = "the schema is being created";
  private volatile Thread retrying;

  private SchemaGate(DatabaseUrl url) {
    this.url = url;
    this.database = new PGSimpleDataSource();
    database.setURL(url.jdbcUrl());
    if (url.user() != null) {
      database.setUser(url.user());
    }
    if (url.password() != null) {
      database.setPassword(url.password());
    }
    database.setConnectTimeout(5);
    // A batch of single-row inserts goes as multi-row statements: processing writes thousands of cells a commit.
    database.setReWriteBatchedInserts(true);
    // Which process holds a connection, as pg_stat_activity shows it: "uptake 4711".
    database.setApplicationName("uptake " + ProcessHandle.current().pid());
  }

  static SchemaGate open(DatabaseUrl url) {
    SchemaGate gate = new SchemaGate(url);
    try {
      gate.migrate();
    } catch (StoreUnavailableException e) {
      if (!unreachable(e)) {
        throw e;
      }
      gate.waitInBackground(e);
    }
    return gate;
  }

  private void migrate() {
    try {
      Migrations.migrate(database, LOCATION, "the database " + url);
    } catch (StoreUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("cannot create or upgrade the schema in the database " + url + ": "
          + rootMessage(e), e);
    }
    ready = true;
  }

  private void waitInBackground(StoreUnavailableException first) {
    waitingFor = "the database " + url + " does not answer: " + rootMessage(first);
    log.warn("{}; Uptake answers 503 and tries again every {} s", waitingFor, RETRY_SECONDS);
    Thread thread = new Thread(() -> {
      long warnedAt = System.nanoTime();
      while (!ready && !Thread.currentThread().isInterrupted()) {
        try {
          TimeUnit.SECONDS.sleep(RETRY_SECONDS);
          migrate();
          log.info("the database {} answers; its schema is ready", url);
        } catch (InterruptedException e) {
          return;
        } catch (StoreUnavailableException e) {
          waitingFor = unreachable(e) ? "the database " + url + " does not answer: " + rootMessage(e) : e.getMessage();
          if (!unreachable(e) || System.nanoTime() - warnedAt > TimeUnit.MINUTES.toNanos(1)) {
            log.warn("{}; Uptake answers 503 and tries again every {} s", waitingFor, RETRY_SECONDS);
            warnedAt = System.nanoTime();
          }
        }
      }
    }, "uptake-pg-schema");
    thread.setDaemon(true);
    retrying = thread;
    thread.start();
  }

  /**
   * Whether the failure is the database not answering now: no connection (08), no room for one
   * (53: too many connections), starting up or shutting down (57P).
   */
  private static boolean unreachable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("53") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (!ready) {
      throw new SQLTransientConnectionException("the store is not ready: " + waitingFor, "08000");
    }
    return database.getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public void close() {
    Thread thread = retrying;
    if (thread != null) {
      thread.interrupt();
    }
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {
    database.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() {
    return database.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper of " + type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}
