package dev.uptake.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.store.sqlite.Backup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code uptake backup} and {@code uptake restore}: the embedded store to one file and back. */
final class BackupCommands {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BackupCommands() {}

  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      description = {
        "Write a consistent backup of the embedded store to one file, while the server runs (nobody waits for it).",
        "On PostgreSQL, back up with pg_dump instead (docs/operations.md)."})
  static final class BackupCommand implements Runnable {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:UPTAKE_DATA:-./uptake-data}",
        description = "Data directory of the embedded store (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--to", paramLabel = "FILE", required = true, description = "The backup file to write (replaced when it exists).")
    Path file;

    @Override
    public void run() {
      Backup.Copied copied = Backup.backup(dataDir, file);
      print(spec.commandLine().getOut(), "backup", file, copied);
    }
  }

  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description = "Restore a backup made by `uptake backup` into a data directory; start the server on it afterwards.")
  static final class RestoreCommand implements Runnable {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", paramLabel = "FILE", required = true, description = "The backup file.")
    Path file;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "Where to restore it (empty, or see --replace).")
    Path dataDir;

    @Option(names = "--replace", description = "Replace the store the directory holds (stop its server first).")
    boolean replace;

    @Override
    public void run() {
      Backup.Copied copied = Backup.restore(file, dataDir, replace);
      print(spec.commandLine().getOut(), "restored", dataDir, copied);
    }
  }

  private static void print(PrintWriter out, String what, Path where, Backup.Copied copied) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put(what, where.toAbsolutePath().normalize().toString());
    summary.put("events", copied.events());
    summary.put("bytes", copied.bytes());
    summary.put("seconds", Math.round(copied.seconds() * 10) / 10.0);
    try {
      out.println(JSON.writeValueAsString(summary));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("command results are plain maps", e);
    }
  }
}
