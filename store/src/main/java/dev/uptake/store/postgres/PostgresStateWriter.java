package dev.uptake.store.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.StateWriter;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.jdbc.Dialect;
import dev.uptake.store.jdbc.Sql;
import dev.uptake.store.jdbc.StateWrites;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processing commits to PostgreSQL, where several processes may write at once.
 *
 * <p>A commit's rows carry the id of its transaction ({@code pg_current_xact_id()}), and {@link
 * #version()} is one less than the oldest transaction still running: every row carrying a number
 * up to it is committed and visible, and no row with a smaller number can appear later. Commits of
 * several writers become visible in any order; a reader that asks for what changed up to {@link
 * #version()} never skips one.
 *
 * <p>One process processes the log at a time: the one holding the session advisory lock {@link
 * #PROCESSING_LOCK} on a connection of its own ({@link #claim()}). The lock goes with the
 * connection, so a process that dies or loses its database hands over; the cursor's check in every
 * commit ({@link dev.uptake.store.CursorMovedException}) catches a hand-over the old holder missed.
 */
final class PostgresStateWriter implements StateWriter, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PostgresStateWriter.class);
  static final long PROCESSING_LOCK = 0x75707461_6b650002L;

  private final DataSource pool;
  private final DataSource writer;
  private final DataSource claims;
  private final StateWrites writes;
  private Connection claim;
  private long claimCheckedAt;

  /**
   * @param pool for {@link #version()}, which requests read
   * @param writer the commits' own connections (a pool of one)
   * @param claims where the claim's connection comes from: held open, outside any pool
   */
  PostgresStateWriter(DataSource pool, DataSource writer, DataSource claims, ObjectMapper json) {
    this.pool = pool;
    this.writer = writer;
    this.claims = claims;
    this.writes = new StateWrites(json, Dialect.POSTGRESQL);
  }

  @Override
  public long version() {
    long[] version = {0};
    Sql.query(pool, "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1", rows -> version[0] = rows.getLong(1));
    return version[0];
  }

  /** How often a held claim's connection is checked; the processor asks before every batch. */
  private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

  @Override
  public synchronized boolean claim() {
    try {
      if (claim != null && System.nanoTime() - claimCheckedAt < CHECK_EVERY_NANOS) {
        return true; // a claim lost meanwhile shows at the next commit, whose cursor check refuses it
      }
      claimCheckedAt = System.nanoTime();
      if (claim != null && claim.isValid(2)) {
        return true;
      }
      closeClaim();
      Connection candidate = claims.getConnection();
      if (PostgresClusterState.tryLock(candidate, PROCESSING_LOCK)) {
        String cluster = PostgresClusterState.joinedTopic(candidate);
        if (cluster == null) {
          claim = candidate;
          return true;
        }
        candidate.close(); // the lock goes with the connection
        throw new StoreUnavailableException("this database serves the Uptake cluster of Kafka topic " + cluster
            + ", whose processors number and process its events: start this server with --kafka to join it", null);
      }
      candidate.close();
      return false;
    } catch (SQLException e) {
      closeClaim();
      throw Sql.unavailable(e);
    }
  }

  @Override
  public synchronized void commit(ProcessedBatch batch) {
    Transactions.run(writer, connection -> {
      writes.write(connection, batch, transactionId(connection));
      return null;
    });
  }

  static long transactionId(Connection connection) throws SQLException {
    try (PreparedStatement read = connection.prepareStatement("SELECT pg_current_xact_id()::text::bigint");
        ResultSet rows = read.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private void closeClaim() {
    if (claim != null) {
      try {
        claim.close();
      } catch (SQLException e) {
        log.debug("closing the processing claim's connection failed", e);
      }
      claim = null;
    }
  }

  @Override
  public synchronized void close() {
    closeClaim();
  }
}
