package dev.uptake.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the store lives.
 *
 * @param dataDir the directory of the embedded SQLite store; created when missing
 */
public record StoreConfig(Path dataDir) {

  public StoreConfig {
    Objects.requireNonNull(dataDir, "dataDir");
  }
}
