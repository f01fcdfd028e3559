package dev.uptake.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cluster mode on this one machine against the embedded server, in one run: a one-broker Kafka and
 * the PostgreSQL server of {@code --database}, each node in a JVM of its own. Durable ingest and
 * freshness with one ingest node (which also answers queries) and one processor; processing speed
 * on a backlog with one and with two processors.
 */
final class ClusterBench {

  private static final int PARTITIONS = 12;
  private static final List<String> NODE_JVM = List.of("-Xmx1g");
  /** A load both setups process as it comes (below either's processing rate), for freshness without a backlog. */
  private static final double STEADY_EVENTS_PER_SECOND = 4_000;

  private final Suite.Plan plan;
  private final Path work;
  private final BenchStore postgresql;
  private final PrintStream log;
  private final ObjectNode results;

  ClusterBench(Suite.Plan plan, Path work, BenchStore postgresql, PrintStream log, ObjectNode results) {
    this.plan = plan;
    this.work = work;
    this.postgresql = postgresql;
    this.log = log;
    this.results = results;
  }

  void run() throws Exception {
    ObjectNode cluster = results.putObject("cluster");
    cluster.put("setup", "one Kafka broker (replication 1, page cache: no fsync) and PostgreSQL on this machine;"
        + " each node and the broker in a JVM of its own; " + PARTITIONS + " partitions");
    double embedded = embeddedIngest(cluster);
    try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"))) {
      ingestAndFreshness(kafka, cluster.putObject("oneIngestOneProcessor"), embedded);
      processing(kafka, cluster);
    }
    embeddedReplay(cluster);
  }

  /** Processing speed alone (the CLUSTER_BACKLOG phase): a backlog with one and with two processors. */
  void runProcessing() throws Exception {
    ObjectNode cluster = results.putObject("cluster");
    try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"))) {
      processing(kafka, cluster);
    }
    embeddedReplay(cluster);
  }

  private void processing(KafkaBroker kafka, ObjectNode cluster) throws Exception {
    ObjectNode processing = cluster.putObject("processing");
    processing.put("backlogEvents", plan.replayEvents());
    double one = backlog(kafka, 1, processing);
    double two = backlog(kafka, 2, processing);
    processing.put("twoProcessorsOverOne", two / one);
    log.printf("cluster processing: 1 processor %,.0f events/s, 2 processors %,.0f events/s (%.2fx)%n", one, two, two / one);
  }

  private void embeddedReplay(ObjectNode cluster) throws Exception {
    StoreBench.Replay replay = StoreBench.processingReplay(BenchStore.embedded().config(work.resolve("replay")),
        plan.replayEvents());
    cluster.put("embeddedReplayEventsPerSecond", replay.eventsPerSecond());
    log.printf("embedded processing replay of the same size: %,.0f events/s%n", replay.eventsPerSecond());
  }

  /** The embedded server's durable NDJSON ingest, measured the same way in this run. */
  private double embeddedIngest(ObjectNode cluster) throws Exception {
    Path dir = work.resolve("embedded");
    try (ServerProcess server = ServerProcess.start(List.of("--data", dir.toString()), NODE_JVM, false)) {
      Shape.Keys keys = Suite.workspace(List.of("--data", dir.toString()));
      Load.Result result = new Load(server.url, keys, Shape.NDJSON_100, plan.accounts())
          .closedLoop(plan.connections(), plan.warmup(), plan.measure());
      ObjectNode embedded = cluster.putObject("embedded");
      embedded.set("ingest", Api.JSON.valueToTree(result));
      log.printf("embedded durable NDJSON_100 %,10.0f events/s  p99 %6.1f ms%n", result.eventsPerSecond(), result.p99Ms());
      Suite.freshness(server.process, server.url, keys, result.eventsPerSecond() / 2 / Shape.NDJSON_100.events, embedded, log,
          plan, work);
      new Api(server.url, keys.adminToken()).awaitProcessed(Duration.ofMinutes(10));
      log.print("steady load: ");
      Suite.freshness(server.process, server.url, keys, STEADY_EVENTS_PER_SECOND / Shape.NDJSON_100.events,
          embedded.putObject("steady"), log, plan, work);
      return result.eventsPerSecond();
    }
  }

  private List<String> node(String roles, List<String> database, String bootstrap, String topic) {
    List<String> args = new ArrayList<>(database);
    args.addAll(List.of("--kafka", bootstrap, "--role", roles, "--topic", topic, "--partitions", String.valueOf(PARTITIONS)));
    return args;
  }

  private void ingestAndFreshness(KafkaBroker kafka, ObjectNode into, double embedded) throws Exception {
    List<String> database = postgresql.args(work.resolve("cluster-ingest"));
    Shape.Keys keys = Suite.workspace(database);
    try (ServerProcess ingest = ServerProcess.start(node("ingest,query", database, kafka.bootstrap, "ingest"), NODE_JVM, false);
        ServerProcess processor = ServerProcess.start(node("process", database, kafka.bootstrap, "ingest"), NODE_JVM, false)) {
      awaitReady(ingest);
      Load.Result result = new Load(ingest.url, keys, Shape.NDJSON_100, plan.accounts())
          .closedLoop(plan.connections(), plan.warmup(), plan.measure());
      into.set("ingest", Api.JSON.valueToTree(result));
      into.put("processorPeakRssMib", processor.rssMib()[1]);
      into.put("ingestOverEmbedded", result.eventsPerSecond() / embedded);
      log.printf("cluster durable NDJSON_100 %,10.0f events/s  p99 %6.1f ms (%.2fx embedded)%n", result.eventsPerSecond(),
          result.p99Ms(), result.eventsPerSecond() / embedded);
      Api api = new Api(ingest.url, keys.adminToken());
      long start = System.nanoTime();
      awaitCaughtUp(api, Duration.ofMinutes(10));
      into.put("drainSecondsAfterIngest", (System.nanoTime() - start) / 1e9);
      into.put("processedAfterIngest", api.get("/api/v1/stats").get("processed").asLong());
      Suite.freshness(ingest.process, ingest.url, keys, result.eventsPerSecond() / 2 / Shape.NDJSON_100.events, into, log,
          plan, work);
      awaitCaughtUp(api, Duration.ofMinutes(10));
      log.print("steady load: ");
      Suite.freshness(ingest.process, ingest.url, keys, STEADY_EVENTS_PER_SECOND / Shape.NDJSON_100.events,
          into.putObject("steady"), log, plan, work);
      into.put("commitMsMean", 1000 * api.metric("uptake_processing_commit_seconds_sum")
          / Math.max(1, api.metric("uptake_processing_commit_seconds_count")));
    }
  }

  /** Waits until an ingest node's /health says Kafka answers and the topic exists. */
  private static void awaitReady(ServerProcess node) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (http.send(HttpRequest.newBuilder(node.url.resolve("/health")).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the ingest node was not ready within a minute");
      }
      Thread.sleep(200);
    }
  }

  /**
   * Waits until processing counted every record Kafka acknowledged to the ingest node (events,
   * repeats and refused items alike are counted as received when processed).
   */
  private static void awaitCaughtUp(Api ingest, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    double acked = ingest.metric("uptake_kafka_produced_total{result=\"acked\"");
    while (ingest.get("/api/v1/stats").get("received").asLong() < acked && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }

  /**
   * Fills a fresh topic with {@code replayEvents} realistic events through an ingest node while no
   * processor runs, then starts {@code processors} and times them from the first commit to the
   * last event; returns events per second.
   */
  private double backlog(KafkaBroker kafka, int processors, ObjectNode into) throws Exception {
    String topic = "backlog-" + processors;
    List<String> database = postgresql.args(work.resolve("cluster-backlog-" + processors));
    Shape.Keys keys = Suite.workspace(database);
    try (ServerProcess ingest = ServerProcess.start(node("ingest,query", database, kafka.bootstrap, topic), NODE_JVM, false)) {
      awaitReady(ingest);
      long fillStart = System.nanoTime();
      long sent = fill(ingest.url, keys, plan.replayEvents());
      double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
      List<ServerProcess> nodes = new ArrayList<>();
      ExecutorService starting = Executors.newFixedThreadPool(processors);
      try {
        // From the moment the processors are launched: their JVMs' start and joining the group count
        // (seconds, against minutes of a full-size backlog).
        long start = System.nanoTime();
        List<Future<ServerProcess>> launched = new ArrayList<>();
        for (int i = 0; i < processors; i++) {
          launched.add(starting.submit(() -> ServerProcess.start(node("process", database, kafka.bootstrap, topic), NODE_JVM,
              false)));
        }
        for (Future<ServerProcess> node : launched) {
          nodes.add(node.get());
        }
        Api api = new Api(ingest.url, keys.adminToken());
        long processed;
        long deadline = start + Duration.ofMinutes(30).toNanos();
        while (true) {
          JsonNode stats = api.get("/api/v1/stats");
          processed = stats.get("processed").asLong();
          if (stats.get("received").asLong() >= sent || System.nanoTime() > deadline) {
            break;
          }
          Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = processed / seconds;
        ObjectNode run = into.putObject(processors + "processors");
        run.put("events", processed);
        run.put("fillSeconds", fillSeconds);
        run.put("seconds", seconds);
        run.put("eventsPerSecond", rate);
        run.put("eventsPerSecondPerProcessor", rate / processors);
        return rate;
      } finally {
        starting.shutdownNow();
        nodes.forEach(ServerProcess::close);
      }
    }
  }

  /** Sends {@code total} realistic events as 100-line NDJSON requests on a few connections; returns how many. */
  private long fill(URI ingest, Shape.Keys keys, long total) throws Exception {
    int threads = 4;
    AtomicInteger requests = new AtomicInteger((int) (total / 100));
    URI uri = ingest.resolve(Shape.NDJSON_100.path(keys, ""));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Traffic traffic = new Traffic(11 + t, "t" + t, plan.accounts() / threads + 1, 5, Clock.systemUTC());
        running.add(pool.submit(() -> {
          while (requests.getAndDecrement() > 0) {
            String body = String.join("\n", traffic.next(100));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
              throw new IOException("the ingest node answered " + response.statusCode() + ": " + response.body());
            }
          }
          return null;
        }));
      }
      for (Future<?> run : running) {
        run.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return (total / 100) * 100;
  }
}
