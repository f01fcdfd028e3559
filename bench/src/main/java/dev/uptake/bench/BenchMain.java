package dev.uptake.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import dev.uptake.store.DatabaseUrl;
import picocli.CommandLine.Option;

/** {@code java -jar bench/target/uptake-bench.jar [--smoke] [--out FILE] [--replay-events N]}. */
@Command(name = "uptake-bench", mixinStandardHelpOptions = true,
    description = "Measure Uptake on this machine: ingest, ceilings, freshness, processing, memory.")
public final class BenchMain implements Callable<Integer> {

  @Option(names = "--smoke", description = "Seconds-long run with a tiny load, to check the instruments work.")
  boolean smoke;

  @Option(names = "--out", defaultValue = "bench-results.json", description = "Where to write the results (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--work", description = "A new or empty directory for the servers' data, kept afterwards (default: a new temporary one, deleted at the end).")
  Path work;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--replay-events", description = "Events in the pre-filled log the processing replay reads (default: 5,000,000).")
  Long replayEvents;

  @Option(names = "--events-log", description = "Events in the log EVENTS queries (default: 5,000,000).")
  Long eventsLog;

  @Option(names = "--phases", split = ",", description = "Parts to run: ${COMPLETION-CANDIDATES} (default: all).")
  java.util.Set<Suite.Phase> phases = java.util.EnumSet.allOf(Suite.Phase.class);

  @Option(names = "--freshness-events-per-second",
      description = "Background load while measuring freshness (default: half the durable NDJSON maximum INGEST measured).")
  Double freshnessEventsPerSecond;

  @Option(names = "--open-sessions", description = "Open sessions for the memory figure, over 100 workspaces of 1,000 accounts (default: 100,000).")
  Integer openSessions;

  @Option(names = "--list-accounts", description = "Accounts in the workspace whose list ACCOUNTS measures (default: 10,000).")
  Integer listAccounts;

  @Option(names = "--database", paramLabel = "URL",
      description = "Also run the phases on PostgreSQL, after the embedded store, in the same run: a server whose role may"
          + " create databases (postgresql://user:password@host:5432/db); each store gets a fresh database, dropped at the end.")
  String database;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Suite.Plan plan = smoke ? Suite.Plan.SMOKE : Suite.Plan.FULL;
    if (replayEvents != null || openSessions != null || freshnessEventsPerSecond != null || listAccounts != null
        || eventsLog != null) {
      plan = new Suite.Plan(plan.warmup(), plan.measure(), plan.connections(), plan.accounts(),
          replayEvents != null ? replayEvents : plan.replayEvents(), openSessions != null ? openSessions : plan.openSessions(),
          plan.memoryWorkspaces(), plan.memoryAccounts(), plan.memoryIdle(), plan.freshness(), freshnessEventsPerSecond != null ? freshnessEventsPerSecond : plan.freshnessEventsPerSecond(),
          listAccounts != null ? listAccounts : plan.listAccounts(), plan.listRequests(),
          eventsLog != null ? eventsLog : plan.eventsLog());
    }
    if (work != null && Files.isDirectory(work)) {
      try (java.util.stream.Stream<Path> held = Files.list(work)) {
        if (held.findAny().isPresent()) { // an earlier run's stores would be measured as they stand, not filled afresh
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--work " + work + " holds an earlier run's data: name a new or empty directory, or delete it");
        }
      }
    }
    Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("uptake-bench");
    try {
      run(plan, dir);
    } finally {
      if (work == null) {
        deleteTree(dir); // a full run leaves 5–11 GB of stores: kept only where --work names
      }
    }
    return 0;
  }

  private void run(Suite.Plan plan, Path dir) throws Exception {
    ObjectNode results;
    if (database == null) {
      results = new Suite(plan, phases, dir, BenchStore.embedded(), System.out).run();
    } else {
      results = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      System.out.println("on the embedded store:");
      results.set("sqlite", new Suite(plan, phases, dir.resolve("sqlite"), BenchStore.embedded(), System.out).run());
      try (BenchStore postgresql = BenchStore.postgresql(DatabaseUrl.parse(database))) {
        System.out.println("on PostgreSQL:");
        results.set("postgresql", new Suite(plan, phases, dir.resolve("postgresql"), postgresql, System.out).run());
      }
    }
    Suite.write(results, out);
    System.out.println("results written to " + out.toAbsolutePath());
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
