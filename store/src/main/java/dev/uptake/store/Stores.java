package dev.uptake.store;

import dev.uptake.core.keys.KeyFactory;
import dev.uptake.store.postgres.PostgresStore;
import dev.uptake.store.sqlite.SqliteStore;
import java.security.SecureRandom;
import java.time.Clock;

/** Opens the store a configuration names. */
public final class Stores {

  private Stores() {}

  /**
   * Opens (creating and migrating when needed) the store {@code config} names: its PostgreSQL
   * database, else the embedded SQLite store in its data directory.
   */
  public static Store open(StoreConfig config, Clock clock) {
    KeyFactory keys = new KeyFactory(new SecureRandom());
    return config.embedded() ? SqliteStore.open(config, clock, keys) : PostgresStore.open(config.database(), clock, keys);
  }
}
