package dev.uptake.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.store.DatabaseUrl;
import dev.uptake.store.sqlite.MoveToPostgres;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code uptake migrate}: the embedded store into an empty PostgreSQL database. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Move an embedded installation into an empty PostgreSQL database: every workspace, key, member, setting and"
          + " logged event. Users, accounts, sessions and usage are derived again from the log by the first server"
          + " started on the database. Stop the server on --data first; the database must be empty.",
      "Prints a JSON summary; progress goes to stderr."})
final class MigrateCommand implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", required = true, description = "Data directory of the embedded store to move.")
  Path dataDir;

  @Option(
      names = "--database",
      paramLabel = "URL",
      required = true,
      converter = StoreOption.DatabaseUrlConverter.class,
      description = "The empty PostgreSQL database: postgresql://user:password@host:5432/db or"
          + " jdbc:postgresql://host:5432/db?user=…&password=…")
  DatabaseUrl database;

  @Override
  public void run() {
    Progress progress = new Progress(spec.commandLine().getErr(), "rows", MoveToPostgres.rowsToMove(dataDir));
    MoveToPostgres.Moved moved = MoveToPostgres.run(dataDir, database, progress);
    progress.finish();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", dataDir.toAbsolutePath().normalize().toString());
    out.put("to", database.toString());
    moved.rows().forEach((table, rows) -> out.put(camel(table), rows));
    out.put("seconds", Math.round(moved.seconds() * 10) / 10.0);
    out.put("next", "start the server with --database: it derives users, accounts, sessions and usage from the "
        + moved.rows().get("events") + " events before its figures are complete (/health/ready shows the lag)");
    try {
      spec.commandLine().getOut().println(JSON.writeValueAsString(out));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("command results are plain maps", e);
    }
  }

  private static String camel(String table) {
    StringBuilder name = new StringBuilder();
    for (String part : table.split("_")) {
      name.append(name.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
    }
    return name.toString();
  }
}
