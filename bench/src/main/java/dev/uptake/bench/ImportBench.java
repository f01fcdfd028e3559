package dev.uptake.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.server.archive.ArchiveImport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * {@code uptake import} beside the server's durable ingest for the same batch size, in one run on
 * one server: first the {@link Shape#IMPORT_250} closed loop (250-event requests), then an archive
 * of as many events as that loop stored in its measured time, written as gzip NDJSON files (Segment's
 * layout) and imported with as many batches in flight as the loop had connections. The figure is
 * the import's events/s against the loop's.
 */
final class ImportBench {

  static final int BATCH = Shape.IMPORT_250.events;
  static final int EVENTS_PER_FILE = 50_000;

  private final Suite.Plan plan;
  private final Path work;
  private final BenchStore store;
  private final PrintStream log;
  private final ObjectNode results;

  ImportBench(Suite.Plan plan, Path work, BenchStore store, PrintStream log, ObjectNode results) {
    this.plan = plan;
    this.work = work;
    this.store = store;
    this.log = log;
    this.results = results;
  }

  void run() throws Exception {
    Path dir = work.resolve("data");
    try (ServerProcess server = ServerProcess.start(store.args(dir), List.of("-Xmx2g"), false)) {
      Shape.Keys keys = Suite.workspace(store.args(dir));
      Load.Result durable = new Load(server.url, keys, Shape.IMPORT_250, plan.accounts())
          .closedLoop(plan.connections(), plan.warmup(), plan.measure());
      long events = Math.max(5_000, Math.min(5_000_000, durable.events()));
      Path archive = writeArchive(events);
      ArchiveImport.Summary imported = new ArchiveImport(new ArchiveImport.Options(server.url, keys.writeKey(),
          work.resolve("import-state.json"), plan.connections(), BATCH), new ObjectMapper(), quiet()).run(List.of(archive));
      double importRate = imported.events() / imported.seconds();
      ObjectNode figures = results.putObject("import");
      figures.put("batchEvents", BATCH);
      figures.put("connections", plan.connections());
      figures.put("durableEventsPerSecond", durable.eventsPerSecond());
      figures.put("importEvents", imported.events());
      figures.put("importAccepted", imported.accepted() + imported.duplicates());
      figures.put("importSeconds", imported.seconds());
      figures.put("importEventsPerSecond", importRate);
      figures.put("ratio", importRate / durable.eventsPerSecond());
      log.printf("import     %,10.0f events/s  vs durable %s %,10.0f events/s: %.2f×%n", importRate, Shape.IMPORT_250,
          durable.eventsPerSecond(), importRate / durable.eventsPerSecond());
    }
  }

  /** {@code events} of the bench's traffic as gzip NDJSON, one folder per file as Segment's archive has them. */
  private Path writeArchive(long events) throws IOException {
    Path archive = Files.createDirectories(work.resolve("archive"));
    Traffic traffic = new Traffic(11, "import", plan.accounts(), 5, Clock.systemUTC());
    long written = 0;
    for (int file = 0; written < events; file++) {
      Path folder = Files.createDirectories(archive.resolve(String.format("%04d", file)));
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve("events.json.gz")), 65_536)) {
        int count = (int) Math.min(EVENTS_PER_FILE, events - written);
        for (String event : traffic.next(count)) {
          out.write((event + "\n").getBytes(StandardCharsets.UTF_8));
        }
        written += count;
      }
    }
    return archive;
  }

  private static ArchiveImport.Reporter quiet() {
    return new ArchiveImport.Reporter() {
      @Override
      public void refused(String line) {}

      @Override
      public void progress(ArchiveImport.Status status) {}
    };
  }
}
