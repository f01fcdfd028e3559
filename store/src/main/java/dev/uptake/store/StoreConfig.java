package dev.uptake.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the store lives, and how much memory its page caches may take.
 *
 * @param dataDir the directory of the embedded SQLite store; created when missing (not used on
 *     PostgreSQL)
 * @param pageCacheBytes what the store's connections together may cache of its files
 * @param database the PostgreSQL database to use instead of the embedded store; null for the
 *     embedded one
 */
public record StoreConfig(Path dataDir, long pageCacheBytes, DatabaseUrl database) {

  /** The page caches of a command that opens the store briefly. */
  public static final long DEFAULT_PAGE_CACHE_BYTES = 64L << 20;

  public StoreConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    if (pageCacheBytes <= 0) {
      throw new IllegalArgumentException("the store's page cache must be positive, was " + pageCacheBytes);
    }
  }

  public StoreConfig(Path dataDir, long pageCacheBytes) {
    this(dataDir, pageCacheBytes, null);
  }

  public StoreConfig(Path dataDir) {
    this(dataDir, DEFAULT_PAGE_CACHE_BYTES);
  }

  /** The store in PostgreSQL database {@code database}. */
  public static StoreConfig postgresql(DatabaseUrl database) {
    return new StoreConfig(Path.of("."), DEFAULT_PAGE_CACHE_BYTES, Objects.requireNonNull(database, "database"));
  }

  /** The same store with page caches of {@code bytes} in all. */
  public StoreConfig withPageCacheBytes(long bytes) {
    return new StoreConfig(dataDir, bytes, database);
  }

  /** Whether this is the embedded SQLite store in {@link #dataDir}. */
  public boolean embedded() {
    return database == null;
  }
}
