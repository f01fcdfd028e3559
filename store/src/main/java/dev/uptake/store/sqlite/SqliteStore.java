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

  private SqliteStore(Path dataDir, Clock clock, KeyFactory keys) {
    this.dataDir = dataDir;
    this.writerSource = logSource(dataDir);
    this.pool = pool(new AttachingDataSource(writerSource, dataDir.resolve(STATE_FILE_NAME)));
    this.workspaces = new SqliteWorkspaces(pool, clock, keys);
    this.members = new SqliteMembers(pool, clock);
    this.ledger = new SqliteLedger(pool);
    ObjectMapper json = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    this.processingLog = new SqliteProcessingLog(pool, stateSource(dataDir), json);
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
    return new SqliteStore(dir, clock, keys);
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
        migrate(logSource(dir), "db/sqlite");
        migrate(stateSource(dir), "db/sqlite-state");
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
  static SQLiteDataSource logSource(Path dir) {
    return dataSource(dir.resolve(FILE_NAME), SQLiteConfig.SynchronousMode.FULL, LOG_CHECKPOINT_PAGES);
  }

  /** The derived state: synchronous NORMAL, because a commit lost to power loss is derived again from the log. */
  private static SQLiteDataSource stateSource(Path dir) {
    return dataSource(dir.resolve(STATE_FILE_NAME), SQLiteConfig.SynchronousMode.NORMAL, STATE_CHECKPOINT_PAGES);
  }

  private static SQLiteDataSource dataSource(Path file, SQLiteConfig.SynchronousMode synchronous, int checkpointPages) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(synchronous);
    config.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, String.valueOf(checkpointPages));
    config.setBusyTimeout(10_000);
    config.setCacheSize(-64 * 1024); // 64 MiB per connection
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + file);
    return source;
  }

  private static HikariDataSource pool(SQLiteDataSource source) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(source);
    config.setPoolName("uptake-sqlite");
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }
}
