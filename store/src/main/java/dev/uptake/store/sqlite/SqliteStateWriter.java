package dev.uptake.store.sqlite;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.StateWriter;
import dev.uptake.store.jdbc.Dialect;
import dev.uptake.store.jdbc.GroupCommitLog;
import dev.uptake.store.jdbc.Sql;
import dev.uptake.store.jdbc.StateWrites;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;

/**
 * Processing commits to state.db on a connection of their own: state.db has no other writer, and
 * uptake.db's writer (the event log) never waits for it. One process writes (the data directory's
 * lock), so a commit's version is a counter: one more than the last.
 */
final class SqliteStateWriter implements StateWriter, AutoCloseable {

  private final DataSource pool;
  private final SQLiteDataSource state;
  private final StateWrites writes;
  private Connection writer;
  private long optimizedAt;

  SqliteStateWriter(DataSource pool, SQLiteDataSource state, ObjectMapper json) {
    this.pool = pool;
    this.state = state;
    this.writes = new StateWrites(json, Dialect.SQLITE);
  }

  @Override
  public long version() {
    long[] version = {0};
    Sql.query(pool, "SELECT version FROM processing_cursor WHERE id = 1", rows -> version[0] = rows.getLong(1));
    return version[0];
  }

  @Override
  public synchronized void commit(ProcessedBatch batch) {
    try {
      if (writer == null) {
        writer = state.getConnection();
        SqliteStore.optimize(writer, true);
        optimizedAt = System.nanoTime();
      } else if (System.nanoTime() - optimizedAt > GroupCommitLog.UPKEEP_EVERY_NANOS) {
        SqliteStore.optimize(writer, false); // state.db's statistics: its only writer keeps them current
        optimizedAt = System.nanoTime();
      }
      Sql.immediate(writer, connection -> {
        writes.write(connection, batch, nextVersion(connection));
        return null;
      });
    } catch (SQLException e) {
      throw Sql.unavailable(e);
    }
  }

  private static long nextVersion(Connection connection) throws SQLException {
    Sql.update(connection, "UPDATE processing_cursor SET version = version + 1 WHERE id = 1");
    try (PreparedStatement read = connection.prepareStatement("SELECT version FROM processing_cursor WHERE id = 1");
        ResultSet rows = read.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Override
  public synchronized void close() {
    if (writer != null) {
      try {
        writer.close();
      } catch (SQLException e) {
        throw Sql.unavailable(e);
      } finally {
        writer = null;
      }
    }
  }
}
