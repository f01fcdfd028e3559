package dev.uptake.store;

import dev.uptake.core.keys.KeyFactory;
import dev.uptake.store.sqlite.SqliteStore;
import java.security.SecureRandom;
import java.time.Clock;

/** Opens the store a configuration names. */
public final class Stores {

  private Stores() {}

  /** Opens (creating and migrating when needed) the embedded SQLite store of {@code config}. */
  public static Store open(StoreConfig config, Clock clock) {
    return SqliteStore.open(config, clock, new KeyFactory(new SecureRandom()));
  }
}
