package dev.uptake.store.sqlite;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.uptake.core.keys.KeyFactory;
import dev.uptake.store.EventLog;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.Members;
import dev.uptake.store.ProcessingLog;
import dev.uptake.store.Profiles;
import dev.uptake.store.Quarantine;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Store;
import dev.uptake.store.StoreConfig;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.Usage;
import dev.uptake.store.Workspaces;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: the event log with workspaces and settings in {@code <dataDir>/uptake.db},
 * and what processing derives from the log in {@code <dataDir>/state.db}. Two files, because
 * SQLite has one writer per file: processing commits never hold up an append. Pooled connections
 * see both (state.db is attached).
 */
public final class SqliteStore implements Store {

  static final String FILE_NAME = "uptake.db";
  static final String STATE_FILE_NAME = "state.db";
  private static final int POOL_SIZE = 4;
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
  private final SqliteWorkspaces workspaces;
  private final SqliteMembers members;
  private final SqliteLedger ledger;
  private final SqliteProcessingLog processingLog;
  private final SqliteQuarantine quarantine;
  private final SqliteProfiles profiles;
  private final SqliteSettings settings;
  private final SqliteUsage usage;
  private SqliteEventLog eventLog;

  /**
   * How the page cache is shared: the processing log's writer, which rewrites state.db's hottest
   * pages every batch, gets a third; the event log's writer and the pooled connections (each with
   * uptake.db and state.db) share the rest.
   */
  private static final int SHARED_CACHES = 1 + 2 * POOL_SIZE;

  private SqliteStore(Path dataDir, long pageCacheBytes, Clock clock, KeyFactory keys) {
    this.dataDir = dataDir;
    long sharedKib = Math.max(1_024, pageCacheBytes * 2 / 3 / SHARED_CACHES / 1_024);
    long processingKib = Math.max(1_024, pageCacheBytes / 3 / 1_024);
    this.writerSource = logSource(dataDir, sharedKib);
    this.pool = pool(new AttachingDataSource(writerSource, dataDir.resolve(STATE_FILE_NAME), sharedKib));
    this.workspaces = new SqliteWorkspaces(pool, clock, keys);
    this.members = new SqliteMembers(pool, clock);
    this.ledger = new SqliteLedger(pool);
    ObjectMapper json = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    this.processingLog = new SqliteProcessingLog(pool, stateSource(dataDir, processingKib), json);
    this.quarantine = new SqliteQuarantine(pool);
    this.profiles = new SqliteProfiles(pool, json);
    this.settings = new SqliteSettings(pool, json);
    this.usage = new SqliteUsage(pool, json);
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
    return new SqliteStore(dir, config.pageCacheBytes(), clock, keys);
  }

  @Override
  public synchronized EventLog eventLog() {
    if (eventLog == null) {
      eventLog = SqliteEventLog.start(dataDir, writerSource);
    }
    return eventLog;
  }

  @Override
  public Workspaces workspaces() {
    return workspaces;
  }

  @Override
  public Members members() {
    return members;
  }

  @Override
  public IngestLedger ledger() {
    return ledger;
  }

  @Override
  public ProcessingLog processingLog() {
    return processingLog;
  }

  @Override
  public Quarantine quarantine() {
    return quarantine;
  }

  @Override
  public Profiles profiles() {
    return profiles;
  }

  @Override
  public SettingsStore settings() {
    return settings;
  }

  @Override
  public Usage usage() {
    return usage;
  }

  @Override
  public synchronized void close() {
    if (eventLog != null) {
      eventLog.close();
    }
    processingLog.close();
    pool.close();
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
        lock.release();
      } catch (IOException e) {
        throw new StoreUnavailableException("cannot lock " + dir.resolve("migrate.lock") + ": " + e, e);
      }
    }
  }

  private static void migrate(SQLiteDataSource source, String location) {
    Flyway.configure().dataSource(source).locations("classpath:" + location).load().migrate();
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
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + file);
    return source;
  }

  private static HikariDataSource pool(SQLiteDataSource source) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(source);
    config.setPoolName("uptake-sqlite");
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }
}
