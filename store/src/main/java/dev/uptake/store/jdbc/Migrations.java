package dev.uptake.store.jdbc;

import dev.uptake.store.StoreUnavailableException;
import java.util.Arrays;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/** Creates or upgrades a store's schema with Flyway, and refuses one that a newer Uptake wrote. */
public final class Migrations {

  private Migrations() {}

  /**
   * Applies the migrations under {@code classpath:location} that {@code source} lacks.
   *
   * @param where how to name the store in an error (a file, a database URL without password)
   * @throws StoreUnavailableException when the store has migrations this version does not know:
   *     a newer Uptake upgraded it, and this one could misread it
   */
  public static void migrate(DataSource source, String location, String where) {
    Flyway flyway = Flyway.configure().dataSource(source).locations("classpath:" + location).load();
    MigrationInfo[] future = Arrays.stream(flyway.info().applied())
        .filter(info -> info.getState() == MigrationState.FUTURE_SUCCESS || info.getState() == MigrationState.FUTURE_FAILED)
        .toArray(MigrationInfo[]::new);
    if (future.length > 0) {
      String known = Arrays.stream(flyway.info().all())
          .filter(info -> info.getState() != MigrationState.FUTURE_SUCCESS && info.getState() != MigrationState.FUTURE_FAILED)
          .map(info -> info.getVersion().toString()).reduce((first, last) -> last).orElse("none");
      throw new StoreUnavailableException("the store in " + where + " has schema version "
          + future[future.length - 1].getVersion() + " (" + Arrays.stream(future).map(MigrationInfo::getDescription)
              .collect(Collectors.joining(", ")) + "), newer than this Uptake knows (" + known
          + "): a newer Uptake upgraded it; run that version, or restore a backup made before the upgrade", null);
    }
    flyway.migrate();
  }
}
