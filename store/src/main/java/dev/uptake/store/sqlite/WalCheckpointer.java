package dev.uptake.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies each file's WAL back into the file from its own thread. SQLite's automatic checkpoint runs
 * inside the commit that crosses its threshold, and syncs: an append or a processing commit would
 * stall for it. A passive checkpoint never blocks readers or writers; the writers' automatic
 * checkpoint stays as a backstop, at a threshold this thread keeps them under.
 */
final class WalCheckpointer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
  private static final long INTERVAL_MILLIS = 200;

  private final List<DataSource> files;
  private final Thread thread;
  private volatile boolean running = true;

  private WalCheckpointer(List<DataSource> files) {
    this.files = List.copyOf(files);
    this.thread = new Thread(this::run, "uptake-wal-checkpointer");
    this.thread.setDaemon(true);
  }

  static WalCheckpointer start(List<DataSource> files) {
    WalCheckpointer checkpointer = new WalCheckpointer(files);
    checkpointer.thread.start();
    return checkpointer;
  }

  private void run() {
    List<Connection> connections = new ArrayList<>();
    try {
      for (DataSource file : files) {
        connections.add(file.getConnection());
      }
      while (running) {
        for (Connection connection : connections) {
          checkpoint(connection);
        }
        TimeUnit.MILLISECONDS.sleep(INTERVAL_MILLIS);
      }
    } catch (SQLException e) {
      log.warn("cannot open a connection for WAL checkpoints; commits will checkpoint themselves", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      connections.forEach(WalCheckpointer::closeQuietly);
    }
  }

  private static void checkpoint(Connection connection) {
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (SQLException e) {
      log.warn("WAL checkpoint failed; retrying in {} ms", INTERVAL_MILLIS, e);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("closing a checkpoint connection failed", e);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
