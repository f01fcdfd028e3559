package dev.uptake.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the store lives, and how much memory its page caches may take.
 *
 * @param dataDir the directory of the embedded SQLite store; created when missing
 * @param pageCacheBytes what the store's connections together may cache of its files
 */
public record StoreConfig(Path dataDir, long pageCacheBytes) {

  /** The page caches of a command that opens the store briefly. */
  public static final long DEFAULT_PAGE_CACHE_BYTES = 64L << 20;

  public StoreConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    if (pageCacheBytes <= 0) {
      throw new IllegalArgumentException("the store's page cache must be positive, was " + pageCacheBytes);
    }
  }

  public StoreConfig(Path dataDir) {
    this(dataDir, DEFAULT_PAGE_CACHE_BYTES);
  }

  /** The same store with page caches of {@code bytes} in all. */
  public StoreConfig withPageCacheBytes(long bytes) {
    return new StoreConfig(dataDir, bytes);
  }
}
