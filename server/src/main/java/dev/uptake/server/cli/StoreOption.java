package dev.uptake.server.cli;

import dev.uptake.store.DatabaseUrl;
import dev.uptake.store.StoreConfig;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Option;

/** {@code --data DIR} and {@code --database URL}, shared by every command that opens the store. */
final class StoreOption {

  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "${env:UPTAKE_DATA:-./uptake-data}",
      description = "Data directory of the embedded store (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--database",
      paramLabel = "URL",
      defaultValue = "${env:UPTAKE_DATABASE_URL}",
      converter = DatabaseUrlConverter.class,
      description = "PostgreSQL database instead of the embedded store: postgresql://user:password@host:5432/db"
          + " or jdbc:postgresql://host:5432/db?user=…&password=… (env UPTAKE_DATABASE_URL).")
  DatabaseUrl database;

  StoreConfig storeConfig() {
    return database == null ? new StoreConfig(dataDir) : StoreConfig.postgresql(database);
  }

  /** Where the store is, for a line a person reads: never the password. */
  String describe() {
    return database == null ? "data " + dataDir.toAbsolutePath().normalize() : "database " + database;
  }

  /** Lets picocli report a bad URL as a usage error naming the option. */
  static final class DatabaseUrlConverter implements ITypeConverter<DatabaseUrl> {
    @Override
    public DatabaseUrl convert(String value) {
      try {
        return DatabaseUrl.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
