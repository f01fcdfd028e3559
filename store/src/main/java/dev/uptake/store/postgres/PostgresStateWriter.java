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
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processing commits to PostgreSQL, where several processes may write at once.
 *
 * <p>A commit's rows carry the id of its transaction ({@code pg_current_xact_id()}), and {@link
 * #version()} is one less than the oldest processing commit still running (or than the next
 * transaction id when none is): every row carrying a number up to it is committed and visible,
 * and no row with a smaller number can appear later. Commits of several writers become visible
 * in any order; a reader that asks for what changed up to {@link #version()} never skips one.
 * Only processing's own commits count: they hold {@link #COMMIT_LOCK} (shared) from before they
 * have an id until they end, and {@code pg_locks} names them. The oldest transaction of the whole
 * server ({@code pg_snapshot_xmin}) would do too, but any long write in another database of a
 * shared server, or of another application, would then hold every figure back until it ended.
 *
 * <p>One process processes the log at a time: the one holding the session advisory lock {@link
 * #PROCESSING_LOCK} on a connection of its own ({@link #claim()}). The lock goes with the
 * connection, so a process that dies or loses its database hands over; the cursor's check in every
 * commit ({@link dev.uptake.store.CursorMovedException}) catches a hand-over the old holder missed.
 */
final class PostgresStateWriter implements StateWriter, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PostgresStateWriter.class);
  static final long PROCESSING_LOCK = 0x75707461_6b650002L;
  /**
   * Every processing commit holds this advisory lock, shared, from before it has a transaction id
   * until it ends, as {@code pg_locks} shows it ({@code classid} 1970304097, {@code objid} 1801781251).
   */
  static final long COMMIT_LOCK = 0x75707461_6b650003L;
  /**
   * The transaction ids of processing commits running now, as {@code pg_locks} lists them (32 bits:
   * the id without its epoch), each from the lock every transaction holds on its own id.
   */
  private static final String COMMITS_RUNNING = "SELECT own.transactionid::text::bigint FROM pg_locks commit"
      + " JOIN pg_locks own ON own.pid = commit.pid AND own.locktype = 'transactionid' AND own.mode = 'ExclusiveLock'"
      + " WHERE commit.locktype = 'advisory' AND commit.database = (SELECT oid FROM pg_database WHERE datname ="
      + " current_database()) AND commit.classid = " + (COMMIT_LOCK >>> 32) + " AND commit.objid = "
      + (COMMIT_LOCK & 0xFFFF_FFFFL) + " AND commit.objsubid = 1 AND commit.granted";

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

  /**
   * The snapshot first, the commits running second: a commit running when the snapshot was taken
   * is either still running when the locks are read (and found) or has ended (and is visible to
   * any read after this); one that had no id yet gets one past the snapshot's {@code xmax}.
   */
  @Override
  public long version() {
    try (Connection connection = pool.getConnection()) {
      long xmax = 0;
      Map<Long, Long> running = new HashMap<>(); // by the id's low 32 bits, as pg_locks shows it
      try (Statement statement = connection.createStatement()) {
        try (ResultSet rows = statement.executeQuery("SELECT pg_snapshot_xmax(now.snapshot)::text::bigint,"
            + " xip::text::bigint FROM (SELECT pg_current_snapshot() snapshot) now"
            + " LEFT JOIN LATERAL pg_snapshot_xip(now.snapshot) xip ON true")) {
          while (rows.next()) {
            xmax = rows.getLong(1);
            long xid = rows.getLong(2);
            if (!rows.wasNull()) {
              running.put(xid & 0xFFFF_FFFFL, xid);
            }
          }
        }
        long oldest = xmax;
        try (ResultSet rows = statement.executeQuery(COMMITS_RUNNING)) {
          while (rows.next()) {
            oldest = Math.min(oldest, running.getOrDefault(rows.getLong(1), xmax));
          }
        }
        return oldest - 1;
      }
    } catch (SQLException e) {
      throw Sql.unavailable(e);
    }
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

  /**
   * The id of the commit {@code connection} is in, after taking {@link #COMMIT_LOCK} for it: a
   * processing commit's first step, so {@link #version()} holds back for it until it ends.
   */
  static long transactionId(Connection connection) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock_shared(?)")) {
      lock.setLong(1, COMMIT_LOCK);
      lock.execute();
    }
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
