package dev.uptake.server.cli;

import dev.uptake.store.StoreConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data DIR}, shared by every command that opens the store. */
final class DataOption {

  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "${env:UPTAKE_DATA:-./uptake-data}",
      description = "Data directory of the embedded store (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  StoreConfig storeConfig() {
    return new StoreConfig(dataDir);
  }
}
