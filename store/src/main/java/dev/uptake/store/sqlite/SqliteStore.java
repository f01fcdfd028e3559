package dev.uptake.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.uptake.core.keys.KeyFactory;
import dev.uptake.store.StoreConfig;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.StateWriter;
import dev.uptake.store.jdbc.Dialect;
import dev.uptake.store.jdbc.GroupCommitLog;
import dev.uptake.store.jdbc.JdbcStore;
import dev.uptake.store.jdbc.Migrations;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: the event log with workspaces and settings in {@code <dataDir>/uptake.db},
 * and what processing derives from the log in {@code <dataDir>/state.db}. Two files, because
 * SQLite has one writer per file: processing commits never hold up an append. Pooled connections
 * see both (state.db is attached).
 */
public final class SqliteStore extends JdbcStore {

  private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);

  static final String FILE_NAME = "uptake.db";
  static final String STATE_FILE_NAME = "state.db";
  private static final int POOL_SIZE = 4;
  /** The processor reads on one thread, one query at a time. */
  private static final int PROCESSOR_POOL_SIZE = 1;
  private static final long MIGRATION_CACHE_KIB = 2_048;
  /** SQLite's default: the log's WAL stays small, and appends measured no faster with more. */
  private static final int LOG_CHECKPOINT_PAGES = 1_000;
  /**
   * A processing commit dirties thousands of pages; at the default nearly every one would also
   * copy the WAL back and sync (a 500k replay ran 12–19 % faster with 16k).
   */
  private static final int STATE_CHECKPOINT_PAGES = 16_384;

  private final Path dataDir;
  private final SQLiteDataSource writerSource;
  private final HikariDataSource pool;
  private final HikariDataSource processorPool;
  private final SqliteStateWriter stateWriter;

  /**
   * How the page cache is shared: each file's writer gets a third (the event log's keeps the hot
   * ends of the log's indexes in memory, the processing log's the state it rewrites every batch);
   * the pooled connections, each with uptake.db and state.db, share the last third.
   */
  private static final int SHARED_CACHES = 2 * (POOL_SIZE + PROCESSOR_POOL_SIZE);

  private SqliteStore(Path dataDir, Pools pools, Clock clock, KeyFactory keys) {
    super(pools.requests, pools.processor, Dialect.SQLITE, clock, keys);
    this.dataDir = dataDir;
    this.writerSource = pools.writer;
    this.pool = pools.requests;
    this.processorPool = pools.processor;
    this.stateWriter = new SqliteStateWriter(pool, stateSource(dataDir, pools.writerKib), json());
  }

  /** The connections of a store in {@code dataDir}, their page caches sharing {@code pageCacheBytes}. */
  private record Pools(SQLiteDataSource writer, HikariDataSource requests, HikariDataSource processor, long writerKib) {
    static Pools of(Path dataDir, long pageCacheBytes) {
      long writerKib = Math.max(1_024, pageCacheBytes / 3 / 1_024);
      long sharedKib = Math.max(1_024, pageCacheBytes / 3 / SHARED_CACHES / 1_024);
      AttachingDataSource reads =
          new AttachingDataSource(logSource(dataDir, sharedKib), dataDir.resolve(STATE_FILE_NAME), sharedKib);
      return new Pools(logSource(dataDir, writerKib), pool(reads, "uptake-sqlite", POOL_SIZE),
          pool(reads, "uptake-sqlite-processor", PROCESSOR_POOL_SIZE), writerKib);
    }
  }

  /** Opens the store in {@code config.dataDir()}, creating and migrating it when needed. */
  public static SqliteStore open(StoreConfig config, Clock clock, KeyFactory keys) {
    Path dir = config.dataDir().toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot create the data directory " + dir + ": " + e, e);
    }
    try {
      migrate(dir);
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("cannot open the store in " + dir + ": " + e.getMessage(), e);
    }
    return new SqliteStore(dir, Pools.of(dir, config.pageCacheBytes()), clock, keys);
  }

  @Override
  public StateWriter stateWriter() {
    return stateWriter;
  }

  @Override
  protected void closeConnections() {
    stateWriter.close();
    processorPool.close();
    pool.close();
  }

  /** The log's writer thread, on its own connection, once this process holds the data directory. */
  @Override
  protected GroupCommitLog startEventLog() {
    DataDirLock lock = DataDirLock.acquire(dataDir);
    try {
      Connection connection = writerSource.getConnection();
      return GroupCommitLog.start(() -> {
        try (lock) {
          connection.close();
        }
      }, new GroupWriter(connection)::write, new Runnable() {
        private boolean opened;

        @Override
        public void run() { // PRAGMA optimize: thoroughly at start, then what changed
          optimizeQuietly(connection, !opened);
          opened = true;
        }
      });
    } catch (SQLException e) {
      lock.close();
      throw new StoreUnavailableException("cannot open the event log in " + dataDir + ": " + e, e);
    }
  }

  private static void optimizeQuietly(Connection connection, boolean opening) {
    try {
      optimize(connection, opening);
    } catch (SQLException e) {
      log.warn("PRAGMA optimize on the event log failed; queries may plan worse until it succeeds", e);
    }
  }

  /**
   * Migrates both files while holding {@code migrate.lock}: two processes opening a new data
   * directory at once (two {@code uptake workspace create}, a server and a command) would
   * otherwise both create the schema, and one would fail with SQLITE_BUSY. The file lock is per
   * process, so threads of one process take turns on the class first.
   */
  private static void migrate(Path dir) {
    synchronized (SqliteStore.class) {
      try (FileChannel channel = FileChannel.open(dir.resolve("migrate.lock"), StandardOpenOption.CREATE,
              StandardOpenOption.WRITE)) {
        FileLock lock = channel.lock(); // released when the channel closes
        migrate(logSource(dir, MIGRATION_CACHE_KIB), "db/sqlite");
        migrate(stateSource(dir, MIGRATION_CACHE_KIB), "db/sqlite-state");
        fillWarningWorkspaces(dir);
        lock.release();
      } catch (IOException e) {
        throw new StoreUnavailableException("cannot lock " + dir.resolve("migrate.lock") + ": " + e, e);
      }
    }
  }

  /**
   * state.db's V5 gave processing warnings a workspace and added the events API's indexes by user
   * and by account; rows of events processed before get theirs from the event log.
   */
  private static void fillWarningWorkspaces(Path dir) {
    try (Connection connection =
            new AttachingDataSource(logSource(dir, MIGRATION_CACHE_KIB), dir.resolve(STATE_FILE_NAME), MIGRATION_CACHE_KIB)
                .getConnection();
        Statement fill = connection.createStatement()) {
      fill.executeUpdate("UPDATE state.event_warnings SET workspace_id ="
          + " (SELECT e.workspace_id FROM main.events e WHERE e.seq = event_warnings.seq) WHERE workspace_id IS NULL");
      // The events processed before the indexes by user and account existed: once, when processing has
      // passed events but neither index has a row (from then on the processor writes them).
      try (ResultSet unfilled = fill.executeQuery("SELECT (SELECT seq FROM state.processing_cursor WHERE id = 1) > 0"
          + " AND NOT EXISTS (SELECT 1 FROM state.events_by_user) AND NOT EXISTS (SELECT 1 FROM state.events_by_account)"
          + " AND NOT EXISTS (SELECT 1 FROM state.events_by_user_recent)"
          + " AND NOT EXISTS (SELECT 1 FROM state.events_by_account_recent)")) {
        if (unfilled.next() && unfilled.getBoolean(1)) {
          fill.executeUpdate("INSERT INTO state.events_by_user (workspace_id, user_id, seq) SELECT workspace_id, user_id,"
              + " seq FROM main.events WHERE seq <= (SELECT seq FROM state.processing_cursor WHERE id = 1)");
          fill.executeUpdate("INSERT INTO state.events_by_account (workspace_id, account_id, seq) SELECT workspace_id,"
              + " group_id, seq FROM main.events WHERE group_id IS NOT NULL"
              + " AND seq <= (SELECT seq FROM state.processing_cursor WHERE id = 1)");
        }
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot update " + dir.resolve(STATE_FILE_NAME) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Gathers the statistics SQLite's planner uses (sqlite_stat1), on the tables whose statistics
   * are missing or stale; SQLite bounds the work. Run at open and then every hour by each file's
   * writer (SQLite's advice for long-lived connections).
   */
  static void optimize(Connection connection, boolean opening) throws SQLException {
    try (Statement optimize = connection.createStatement()) {
      optimize.execute(opening ? "PRAGMA optimize=0x10002" : "PRAGMA optimize");
    }
  }

  private static void migrate(SQLiteDataSource source, String location) {
    Migrations.migrate(source, location, source.getUrl().substring("jdbc:sqlite:".length()));
  }

  /**
   * The log: synchronous FULL, so a commit is on disk before an append completes and an
   * acknowledged event survives power loss too (group commit amortizes the sync).
   */
  static SQLiteDataSource logSource(Path dir, long cacheKib) {
    return dataSource(dir.resolve(FILE_NAME), SQLiteConfig.SynchronousMode.FULL, LOG_CHECKPOINT_PAGES, cacheKib);
  }

  /** The derived state: synchronous NORMAL, because a commit lost to power loss is derived again from the log. */
  private static SQLiteDataSource stateSource(Path dir, long cacheKib) {
    return dataSource(dir.resolve(STATE_FILE_NAME), SQLiteConfig.SynchronousMode.NORMAL, STATE_CHECKPOINT_PAGES, cacheKib);
  }

  private static SQLiteDataSource dataSource(
      Path file, SQLiteConfig.SynchronousMode synchronous, int checkpointPages, long cacheKib) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(synchronous);
    config.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, String.valueOf(checkpointPages));
    config.setBusyTimeout(10_000);
    config.setCacheSize((int) -cacheKib); // negative: KiB, not pages
    // Nothing here reads generated keys (the log's seq is assigned, not generated); left on, the
    // driver matches each statement's SQL against a pattern and prepares another statement on
    // every insert and update (sqlite-jdbc issue 1135).
    config.setGetGeneratedKeys(false);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + file);
    return source;
  }

  private static HikariDataSource pool(SQLiteDataSource source, String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(source);
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    // Reads are short (exports read in chunks): a request that cannot get a connection within a
    // second meets a stuck store, and answers 503 (which senders retry) instead of waiting 30 s.
    config.setConnectionTimeout(1_000);
    return new HikariDataSource(config);
  }
}
