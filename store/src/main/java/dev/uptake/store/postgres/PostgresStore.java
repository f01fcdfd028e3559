package dev.uptake.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.uptake.core.keys.KeyFactory;
import dev.uptake.store.ClusterState;
import dev.uptake.store.DatabaseUrl;
import dev.uptake.store.StateWriter;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.jdbc.Dialect;
import dev.uptake.store.jdbc.GroupCommitLog;
import dev.uptake.store.jdbc.JdbcStore;
import java.time.Clock;

/**
 * The store in a PostgreSQL database: the same tables as the embedded store, one schema, and any
 * number of Uptake processes on it at once. Every part has connections of its own, as in the
 * embedded store: the event log's writer, the processor's writer and reads, and a pool for the API
 * and the pages. Until the database answers and has this version's schema ({@link
 * SchemaGate}), every call fails with {@link StoreUnavailableException} (503 to senders).
 */
public final class PostgresStore extends JdbcStore {

  /**
   * The advisory lock every append transaction takes first (so seqs become visible in order), as
   * {@code pg_locks} shows it ({@code classid} 1970304097, {@code objid} 1801781249).
   */
  public static final long APPEND_LOCK = PostgresAppender.APPEND_LOCK;
  /** The advisory lock the processing process holds for as long as it processes. */
  public static final long PROCESSING_LOCK = PostgresStateWriter.PROCESSING_LOCK;
  /**
   * How long a write waits for a lock another connection holds before it fails (an append then
   * answers 503 and its sender retries; processing retries the batch).
   */
  private static final String APPEND_LOCK_TIMEOUT = "5s";
  private static final String COMMIT_LOCK_TIMEOUT = "10s";
  private static final String IDLE_IN_COMMIT_TIMEOUT = "15s";

  /** Where this version's schema migrations are, for a tool that makes the schema itself ({@code uptake migrate}). */
  public static final String MIGRATIONS = SchemaGate.LOCATION;

  private static final int POOL_SIZE = 8;
  private static final int PROCESSOR_POOL_SIZE = 2;

  private final SchemaGate gate;
  private final HikariDataSource pool;
  private final HikariDataSource processorPool;
  private final HikariDataSource logPool;
  private final HikariDataSource statePool;
  private final PostgresStateWriter stateWriter;
  private final PostgresClusterState clusterState;

  private PostgresStore(SchemaGate gate, HikariDataSource pool, HikariDataSource processorPool, Clock clock, KeyFactory keys) {
    super(pool, processorPool, Dialect.POSTGRESQL, clock, keys);
    this.gate = gate;
    this.pool = pool;
    this.processorPool = processorPool;
    this.logPool = pool(gate, "uptake-pg-log", 1, "SET lock_timeout = '" + APPEND_LOCK_TIMEOUT + "'");
    // A commit never waits for this process between statements; one that does is a paused or
    // stopped process whose locks would hold every other processor up: PostgreSQL ends it.
    this.statePool = pool(gate, "uptake-pg-state", 1, "SET lock_timeout = '" + COMMIT_LOCK_TIMEOUT + "';"
        + " SET idle_in_transaction_session_timeout = '" + IDLE_IN_COMMIT_TIMEOUT + "'");
    this.stateWriter = new PostgresStateWriter(pool, statePool, gate, json());
    this.clusterState = new PostgresClusterState(statePool, json(), clock);
  }

  /**
   * Opens the store in {@code database}, creating or upgrading its schema. When the database does
   * not answer, the store opens anyway and keeps trying in the background (logging why), so a
   * server can start before its database.
   *
   * @throws StoreUnavailableException when the database's schema is newer than this version knows
   */
  public static PostgresStore open(DatabaseUrl database, Clock clock, KeyFactory keys) {
    SchemaGate gate = SchemaGate.open(database);
    return new PostgresStore(gate, pool(gate, "uptake-pg", POOL_SIZE, null),
        pool(gate, "uptake-pg-processor", PROCESSOR_POOL_SIZE, null), clock, keys);
  }

  @Override
  protected GroupCommitLog startEventLog() {
    return GroupCommitLog.start(() -> {}, new PostgresAppender(logPool)::write, () -> {});
  }

  @Override
  public StateWriter stateWriter() {
    return stateWriter;
  }

  @Override
  public ClusterState clusterState() {
    return clusterState;
  }

  @Override
  protected void closeConnections() {
    stateWriter.close();
    gate.close();
    statePool.close();
    logPool.close();
    processorPool.close();
    pool.close();
  }

  private static HikariDataSource pool(SchemaGate gate, String name, int size, String initSql) {
    HikariConfig config = new HikariConfig();
    config.setConnectionInitSql(initSql);
    config.setDataSource(gate);
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(Math.min(size, 1));
    // A request that cannot get a connection within two seconds meets a database that is down or
    // overloaded: it answers 503 (which senders retry) instead of waiting 30 s.
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.setInitializationFailTimeout(-1); // start without the database; connect when it answers
    return new HikariDataSource(config);
  }
}
