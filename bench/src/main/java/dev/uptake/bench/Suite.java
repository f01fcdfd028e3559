package dev.uptake.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.server.cli.Main;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Every figure of BENCHMARKS.md in one run, so ratios compare like with like: durable ingest per
 * request shape, its ceilings (the server with storage off; the store alone), freshness at half the
 * measured maximum, processing replay, the server's memory, and the accounts list on many accounts.
 */
final class Suite {

  /** How long and how much; {@link #SMOKE} runs in seconds, for the test suite. */
  record Plan(Duration warmup, Duration measure, int connections, int accounts, long replayEvents, int openSessions,
      int memoryWorkspaces, int memoryAccounts, Duration memoryIdle, Duration freshness, double freshnessEventsPerSecond,
      int listAccounts, int listRequests, long eventsLog) {
    static final Plan FULL = new Plan(Duration.ofSeconds(15), Duration.ofSeconds(20), 16, 2_000, 5_000_000, 100_000,
        100, 1_000, Duration.ofSeconds(45), Duration.ofSeconds(20), HALF_OF_MAX, 10_000, 300, 5_000_000);
    static final Plan SMOKE = new Plan(Duration.ofMillis(300), Duration.ofMillis(700), 2, 20, 3_000, 300,
        3, 20, Duration.ZERO, Duration.ofSeconds(2), HALF_OF_MAX, 30, 5, 3_000);
  }

  /** Freshness at half the durable NDJSON throughput INGEST measured. */
  static final double HALF_OF_MAX = 0;

  /** The parts of the suite, each runnable alone. */
  enum Phase { INGEST, FRESHNESS, CEILINGS, REPLAY, LIVE, MEMORY, ACCOUNTS, EVENTS, IMPORT, CLUSTER, CLUSTER_BACKLOG }

  private final Plan plan;
  private final java.util.Set<Phase> phases;
  private final Path work;
  private final BenchStore store;
  private final PrintStream log;
  private final ObjectNode results = Api.JSON.createObjectNode();
  private double ndjsonEventsPerSecond;

  Suite(Plan plan, Path work, PrintStream log) {
    this(plan, java.util.EnumSet.allOf(Phase.class), work, BenchStore.embedded(), log);
  }

  /** The {@code phases} of {@code plan}, with their stores in {@code store} (data directories under {@code work}). */
  Suite(Plan plan, java.util.Set<Phase> phases, Path work, BenchStore store, PrintStream log) {
    this.plan = plan;
    this.phases = phases;
    this.work = work;
    this.store = store;
    this.log = log;
  }

  ObjectNode run() throws Exception {
    results.put("date", Instant.now().toString());
    results.put("machine", Runtime.getRuntime().availableProcessors() + " cores, "
        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB max heap of the load generator; load generator and server share the cores");
    results.set("plan", Api.JSON.valueToTree(plan.toString()));
    results.put("store", store.name());
    if (phases.contains(Phase.INGEST)) {
      ingest();
    }
    if (phases.contains(Phase.FRESHNESS)) {
      freshness();
    }
    if (phases.contains(Phase.CEILINGS)) {
      ceilingWithoutStorage();
      storeAlone();
    }
    if (phases.contains(Phase.REPLAY)) {
      replay();
    }
    if (phases.contains(Phase.LIVE)) {
      live();
    }
    if (phases.contains(Phase.MEMORY)) {
      openSessionsMemory();
    }
    if (phases.contains(Phase.ACCOUNTS)) {
      accountsList();
    }
    if (phases.contains(Phase.EVENTS)) {
      eventQueries();
    }
    if (phases.contains(Phase.IMPORT)) {
      new ImportBench(plan, work.resolve("import"), store, log, results).run();
    }
    if (phases.contains(Phase.CLUSTER) || phases.contains(Phase.CLUSTER_BACKLOG)) {
      if (store.name().equals("postgresql")) {
        ClusterBench cluster = new ClusterBench(plan, work.resolve("cluster"), store, log, results);
        if (phases.contains(Phase.CLUSTER)) {
          cluster.run();
        } else {
          cluster.runProcessing(); // CLUSTER includes it
        }
      } else {
        log.println("cluster: needs PostgreSQL (--database); runs with the PostgreSQL phases");
      }
    }
    return results;
  }

  private void ingest() throws Exception {
    Wrk.require();
    Path dir = work.resolve("durable");
    try (ServerProcess server = ServerProcess.start(store.args(dir), List.of("-Xmx2g"), false)) {
      Shape.Keys keys = workspace(dir);
      ObjectNode ingest = results.putObject("durableIngest");
      boolean warm = false;
      for (Shape shape : Shape.values()) {
        Wrk.Target target = Wrk.Target.uptake(server.url, shape, keys);
        Api api = new Api(server.url, keys.adminToken());
        // The first shape warms a fresh JVM: after 15 s the JIT still took 0.4 of a core while TRACK_1 was measured.
        warmUp(target, warm ? plan.warmup.dividedBy(3) : plan.warmup.multipliedBy(2));
        warm = true;
        double appends = api.metric("uptake_ingest_append_seconds_count");
        double appendSeconds = api.metric("uptake_ingest_append_seconds_sum");
        Measured measured = measure(server.process, target, shape.name());
        Load.Result result = measured.result();
        Map<String, Double> cores = measured.cores();
        ObjectNode run = Api.JSON.valueToTree(result);
        run.set("serverCores", Api.JSON.valueToTree(cores));
        ingest.set(shape.name(), run);
        // Where a request's time goes: waiting for the event log's commit, or elsewhere.
        run.put("appendMsMean", 1000 * (api.metric("uptake_ingest_append_seconds_sum") - appendSeconds)
            / Math.max(1, api.metric("uptake_ingest_append_seconds_count") - appends));
        log.printf("durable %-10s %,10.0f events/s  %,8.0f requests/s  p99 %6.1f ms  errors %d  server cores %s%n", shape,
            result.eventsPerSecond(), result.requestsPerSecond(), result.p99Ms(), result.errors(), cores);
        if (shape == Shape.NDJSON_100) {
          ndjsonEventsPerSecond = result.eventsPerSecond();
        }
      }
      double[] rss = server.rssMib();
      ObjectNode memory = results.putObject("memory");
      memory.put("rssMib", rss[0]);
      memory.put("peakRssMib", rss[1]);
      memory.put("heapMib", new Api(server.url, keys.adminToken()).heapMib());
    }
    flume();
  }

  /** Apache Flume on the same 100-event requests, right after Uptake's: durable events/s side by side. */
  private void flume() throws Exception {
    try (FlumePeer flume = FlumePeer.start(work.resolve("flume"))) {
      Wrk.Target target = Wrk.Target.peer(flume.url, Shape.NDJSON_100, FlumePeer.PATH);
      warmUp(target, plan.warmup);
      Measured measured = measure(flume.process(), target, "flume");
      Load.Result result = measured.result();
      double cores = measured.totalCores();
      ObjectNode peer = Api.JSON.valueToTree(result);
      peer.put("cores", cores);
      peer.put("sinkBytes", flume.sinkBytes());
      peer.put("uptakeRatio", ndjsonEventsPerSecond / Math.max(1, result.eventsPerSecond()));
      results.set("flume", peer);
      log.printf("Apache Flume 1.11 (http source, BLOB handler, file channel, file_roll sink), 100-event bodies:"
              + " %,10.0f events/s  %,8.0f requests/s  p99 %6.1f ms  errors %d  cores %.2f; Uptake / Flume = %.2f%n",
          result.eventsPerSecond(), result.requestsPerSecond(), result.p99Ms(), result.errors(), cores,
          peer.get("uptakeRatio").asDouble());
    }
  }

  /** Load the measurement does not count, so the JIT and the caches are warm; none below a second. */
  private void warmUp(Wrk.Target target, Duration warmup) throws Exception {
    if (warmup.toMillis() >= 1_000) {
      Wrk.run(target, plan.connections, warmup, work, "warm-" + target.shape().name() + "-" + System.nanoTime(), plan.accounts);
    }
  }

  /** A measured wrk run, with the CPU readings of the process under load before and after it. */
  private record Measured(Load.Result result, ThreadCpu before, ThreadCpu after) {
    /** Cores used by each kind of the process's threads during the run. */
    Map<String, Double> cores() {
      return after.coresSince(before);
    }

    double totalCores() {
      return after.totalCoresSince(before);
    }
  }

  private Measured measure(Process process, Wrk.Target target, String run) throws Exception {
    ThreadCpu before = ThreadCpu.of(process);
    Load.Result result = Wrk.run(target, plan.connections, seconds(plan.measure), work, run, plan.accounts);
    return new Measured(result, before, ThreadCpu.of(process));
  }

  /** wrk counts in whole seconds. */
  private static Duration seconds(Duration duration) {
    return Duration.ofSeconds(Math.max(1, Math.round(duration.toMillis() / 1000.0)));
  }

  /**
   * Freshness on a fresh server: the ingest runs leave millions of events to process, and
   * freshness is about steady traffic, not about draining a backlog.
   */
  private void freshness() throws Exception {
    double eventsPerSecond = plan.freshnessEventsPerSecond != HALF_OF_MAX ? plan.freshnessEventsPerSecond : ndjsonEventsPerSecond / 2;
    if (eventsPerSecond <= 0) {
      throw new IllegalArgumentException("freshness runs at half the INGEST maximum: run INGEST too, or give --freshness-events-per-second");
    }
    Wrk.require();
    Path dir = work.resolve("freshness");
    try (ServerProcess server = ServerProcess.start(store.args(dir), List.of("-Xmx2g"), false)) {
      freshness(server.process, server.url, workspace(dir), eventsPerSecond / Shape.NDJSON_100.events, results, log, plan,
          work);
    }
  }

  /** How much longer than the plan's (doubled) warm-up freshness waits at most for the JIT. */
  private static final Duration MAX_EXTRA_WARMUP = Duration.ofSeconds(90);
  private static final Duration SETTLE_CHECK = Duration.ofSeconds(5);
  /** The JIT's share of the cores below which a server counts as warm: it compiled most of what the load runs. */
  private static final double SETTLED_JIT_CORES = 0.1;

  /**
   * Lets the background load and {@code probing} warm {@code server} up for {@code minimum}, then on
   * until its JIT takes less than {@link #SETTLED_JIT_CORES} over {@link #SETTLE_CHECK} (for at
   * most {@link #MAX_EXTRA_WARMUP} more): freshness measured while the JIT still compiled swung
   * twofold run to run. A warm-up shorter than one check (the smoke run) is kept as it is. Returns
   * the JIT's cores over the last check.
   */
  private static double warmUp(Process server, Duration minimum, Prober probing) throws IOException, InterruptedException {
    if (minimum.compareTo(SETTLE_CHECK) < 0) {
      ThreadCpu before = ThreadCpu.of(server);
      probing.probe(minimum);
      return ThreadCpu.of(server).coresSince(before).getOrDefault("jit", 0.0);
    }
    long until = System.nanoTime() + minimum.plus(MAX_EXTRA_WARMUP).toNanos();
    probing.probe(minimum.minus(SETTLE_CHECK));
    while (true) {
      ThreadCpu before = ThreadCpu.of(server);
      probing.probe(SETTLE_CHECK);
      double jit = ThreadCpu.of(server).coresSince(before).getOrDefault("jit", 0.0);
      if (jit < SETTLED_JIT_CORES || System.nanoTime() + SETTLE_CHECK.toNanos() > until) {
        return jit;
      }
    }
  }

  /**
   * Sends NDJSON at {@code requestsPerSecond} to {@code server} while probing, with a one-event
   * call every {@link #PROBE_EVERY}, how long an acknowledged event takes to show in its usage API;
   * records what the server's threads and its writes to disk cost while the load runs.
   */
  static void freshness(Process server, URI url, Shape.Keys keys, double requestsPerSecond, ObjectNode results,
      PrintStream log, Plan plan, Path work) throws Exception {
    Api api = new Api(url, keys.adminToken());
    Duration warmup = plan.warmup.multipliedBy(2); // a fresh server: its JIT still compiles after 15 s
    long loadStart = System.nanoTime();
    // At least a request a second: a smoke run's ingest, measured for under a second, may count none.
    try (Wrk.Running background = Wrk.pace(Wrk.Target.uptake(url, Shape.NDJSON_100, keys), plan.connections,
        Math.max(1, requestsPerSecond), warmup.plus(MAX_EXTRA_WARMUP).plus(plan.freshness).plusMinutes(1), work,
        "freshness-" + System.nanoTime(), plan.accounts)) {
      // Probes of their own during the warm-up (another account, other users), so the JIT has
      // compiled what probing runs too before the measured ones start.
      double jit = warmUp(server, warmup, new Prober(url, keys, api, "warm-up"));
      double warmedSeconds = Math.round((System.nanoTime() - loadStart) / 1e8) / 10.0;
      results.put("freshnessWarmupSeconds", warmedSeconds);
      results.put("freshnessJitCoresBeforeMeasuring", jit);
      log.printf("freshness: warmed up for %.0f s; the JIT took %.2f cores at its end%n", warmedSeconds, jit);
      ThreadCpu cpuBefore = ThreadCpu.of(server);
      DiskWrites writtenBefore = DiskWrites.of(server.pid());
      long acceptedBefore = api.get("/api/v1/stats").get("accepted").asLong();
      Prober prober = new Prober(url, keys, api, "probe");
      prober.probe(plan.freshness);
      ThreadCpu cpuAfter = ThreadCpu.of(server);
      DiskWrites writtenAfter = DiskWrites.of(server.pid());
      JsonNode statsAtEnd = api.get("/api/v1/stats");
      results.set("freshnessLoad", Api.JSON.valueToTree(background.stop())); // its warm-up and the measured part
      long accepted = statsAtEnd.get("accepted").asLong() - acceptedBefore;
      prober.awaitShown();
      Histogram visible = prober.probes.visible;
      long missed = prober.probes.missed();
      JsonNode stats = api.get("/api/v1/stats");
      ObjectNode freshness = results.putObject("freshness");
      freshness.set("serverCores", Api.JSON.valueToTree(cpuAfter.coresSince(cpuBefore)));
      freshness.set("diskBytesPerEvent", Api.JSON.valueToTree(writtenAfter.perEventSince(writtenBefore, accepted)));
      freshness.put("unprocessedAtEnd", statsAtEnd.get("accepted").asLong() - statsAtEnd.get("processed").asLong());
      double batches = api.metric("uptake_processing_batch_seconds_count{phase=\"commit\"");
      freshness.put("processingBatches", batches);
      freshness.put("eventsPerProcessingBatch", stats.get("processed").asLong() / Math.max(1, batches));
      for (String phase : List.of("read", "compute", "commit")) {
        freshness.put(phase + "MsPerBatch",
            1000 * api.metric("uptake_processing_batch_seconds_sum{phase=\"" + phase + "\"") / Math.max(1, batches));
        freshness.put(phase + "MaxMs", 1000 * api.metric("uptake_processing_batch_seconds_max{phase=\"" + phase + "\""));
      }
      freshness.put("probes", visible.getTotalCount());
      freshness.put("notVisibleWithin30s", missed);
      freshness.put("p50Ms", visible.getValueAtPercentile(50) / 1000.0);
      freshness.put("p99Ms", visible.getValueAtPercentile(99) / 1000.0);
      freshness.put("maxMs", visible.getMaxValue() / 1000.0);
      freshness.put("backgroundRequestsPerSecond", requestsPerSecond);
      freshness.put("acceptedEventsPerSecond", accepted / (plan.freshness.toNanos() / 1e9));
      log.printf("freshness p50 %.0f ms  p99 %.0f ms (%d probes, %d not visible within 30 s) at %.0f events/s background;"
              + " %d events unprocessed at the end; %,.0f events per commit; server cores %s; bytes written per event %s%n",
          visible.getValueAtPercentile(50) / 1000.0, visible.getValueAtPercentile(99) / 1000.0, visible.getTotalCount(), missed,
          requestsPerSecond * Shape.NDJSON_100.events, freshness.get("unprocessedAtEnd").asLong(),
          freshness.get("eventsPerProcessingBatch").asDouble(), freshness.get("serverCores"),
          freshness.get("diskBytesPerEvent"));
    }
  }

  /** How often freshness sends a probe event, and how long one may take to show before it counts as missed. */
  private static final Duration PROBE_EVERY = Duration.ofMillis(200);
  private static final Duration PROBE_GIVES_UP = Duration.ofSeconds(30);

  /** How often the probes' account's usage is read: a probe's wait is known to within this. */
  private static final Duration POLL_EVERY = Duration.ofMillis(50);

  /**
   * Sends a one-event call every {@link #PROBE_EVERY}, whether or not the ones before it show yet
   * (a slow second costs a few figures, not the run's count of them), each from one of 64 users
   * (on a cluster, probes land in every partition, not in one that may be served first) of one
   * account, and reads that account's usage every {@link #POLL_EVERY} for how long each took to show.
   */
  private static final class Prober {
    final Probes probes = new Probes();
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI url;
    private final String basic;
    private final Api api;
    private final String account;
    private final String today = LocalDate.now(ZoneOffset.UTC).toString();
    private long nextProbe = System.nanoTime();

    Prober(URI url, Shape.Keys keys, Api api, String account) {
      this.url = url;
      this.basic = "Basic " + Base64.getEncoder().encodeToString((keys.writeKey() + ":").getBytes(StandardCharsets.UTF_8));
      this.api = api;
      this.account = account;
    }

    void probe(Duration duration) throws IOException, InterruptedException {
      long end = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < end) {
        if (System.nanoTime() >= nextProbe) {
          nextProbe += PROBE_EVERY.toNanos();
          send(probes.next());
        }
        probes.shown(shownEvents(), System.nanoTime());
        Thread.sleep(POLL_EVERY.toMillis());
      }
    }

    /** Reads on until every probe showed or gave up. */
    void awaitShown() throws InterruptedException {
      while (probes.waiting(System.nanoTime())) {
        probes.shown(shownEvents(), System.nanoTime());
        Thread.sleep(POLL_EVERY.toMillis());
      }
    }

    private void send(int probe) throws IOException, InterruptedException {
      String event = "{\"type\":\"track\",\"event\":\"Probe\",\"userId\":\"" + account + "-" + probe % 64
          + "\",\"groupId\":\"" + account + "\",\"messageId\":\"" + account + "-" + probe + "-" + System.nanoTime()
          + "\",\"originalTimestamp\":\"" + Instant.now() + "\"}";
      HttpResponse<String> ack = http.send(HttpRequest.newBuilder(url.resolve("/v1/track")).header("Authorization", basic)
          .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString());
      if (ack.statusCode() == 200) {
        probes.acknowledged(System.nanoTime());
      }
    }

    /** The account's events today as the usage API shows them. */
    private long shownEvents() throws InterruptedException {
      try {
        return api.get("/api/v1/accounts/" + account + "/usage?from=" + today + "&to=" + today).get("events").asLong();
      } catch (IOException notYetThere) {
        return 0; // 404 until the first probe is processed
      }
    }
  }

  /**
   * Probe events acknowledged one after another, and how long each took to show. The log is
   * processed in order, so when the probes' account shows n events, the first n probes show.
   */
  private static final class Probes {
    final Histogram visible = new Histogram(3);
    private final List<Long> acknowledgedAt = new ArrayList<>();
    private int seen;
    private long late;

    /** The next probe's number: how many were acknowledged. */
    int next() {
      return acknowledgedAt.size();
    }

    void acknowledged(long nanos) {
      acknowledgedAt.add(nanos);
    }

    /** The probes' account shows {@code events} at {@code nanos}. */
    void shown(long events, long nanos) {
      for (; seen < acknowledgedAt.size() && seen < events; seen++) {
        long waited = nanos - acknowledgedAt.get(seen);
        if (waited <= PROBE_GIVES_UP.toNanos()) {
          visible.recordValue(Math.max(1, waited / 1_000));
        } else {
          late++;
        }
      }
    }

    /** Whether a probe has yet to show and may still. */
    boolean waiting(long nanos) {
      return seen < acknowledgedAt.size() && nanos - acknowledgedAt.get(seen) < PROBE_GIVES_UP.toNanos();
    }

    /** Probes that did not show within {@link #PROBE_GIVES_UP}. */
    long missed() {
      return late + acknowledgedAt.size() - seen;
    }
  }

  private void ceilingWithoutStorage() throws Exception {
    Wrk.require();
    Path dir = work.resolve("discard");
    try (ServerProcess server = ServerProcess.start(store.args(dir), List.of("-Xmx2g"), true)) {
      Shape.Keys keys = workspace(dir);
      ObjectNode ceilings = results.putObject("ceilingWithoutStorage");
      boolean warm = false;
      for (Shape shape : List.of(Shape.NDJSON_100, Shape.TRACK_1)) {
        Wrk.Target target = Wrk.Target.uptake(server.url, shape, keys);
        warmUp(target, warm ? plan.warmup.dividedBy(3) : plan.warmup);
        warm = true;
        Measured measured = measure(server.process, target, "off-" + shape.name());
        Load.Result result = measured.result();
        Map<String, Double> cores = measured.cores();
        ObjectNode run = Api.JSON.valueToTree(result);
        run.set("serverCores", Api.JSON.valueToTree(cores));
        ceilings.set(shape.name(), run);
        log.printf("ceiling: server with storage off, %-10s %,10.0f events/s  %,8.0f requests/s  server cores %s%n", shape,
            result.eventsPerSecond(), result.requestsPerSecond(), cores);
      }
    }
  }

  private void storeAlone() throws Exception {
    ObjectNode ceilings = results.putObject("ceilingStoreAlone");
    for (Shape shape : List.of(Shape.NDJSON_100, Shape.TRACK_1)) {
      StoreBench.Appends appends = StoreBench.appendCeiling(
          store.config(work.resolve("store-" + shape.events)), shape.events, plan.connections, plan.warmup.dividedBy(3), plan.measure);
      ceilings.set(shape.name(), Api.JSON.valueToTree(appends));
      log.printf("ceiling: store alone, %3d-event appends %,10.0f events/s%n", shape.events, appends.eventsPerSecond());
    }
  }

  private void replay() throws Exception {
    StoreBench.Replay replay = StoreBench.processingReplay(store.config(work.resolve("replay")), plan.replayEvents);
    results.set("processingReplay", Api.JSON.valueToTree(replay));
    log.printf("processing replay: %,d events in %.1f s = %,10.0f events/s%n", replay.events(), replay.replaySeconds(), replay.eventsPerSecond());
  }

  /** A tenth of the replay's events as FRESHNESS's live traffic, in chunks each processed before the next comes. */
  private void live() throws Exception {
    StoreBench.Live live = StoreBench.liveCommits(store.config(work.resolve("live")), Math.max(1, plan.replayEvents / 10),
        plan.accounts);
    results.set("live", Api.JSON.valueToTree(live));
    for (StoreBench.LiveWindow window : live.windows()) {
      log.printf("live: %,9d events, %,d-event chunks: compute %5.1f us/event, commit %5.1f us/event (%d commits),"
              + " committer wrote %,d B/event, state.db %,d MB%n",
          window.eventsSoFar(), live.chunkEvents(), window.computeMicrosPerEvent(), window.commitMicrosPerEvent(),
          window.commits(), window.committerBytesPerEvent(), window.stateBytes() < 0 ? -1 : window.stateBytes() >> 20);
    }
  }

  /**
   * The server's resident memory with the default heap (no -Xmx) after {@code memoryWorkspaces}
   * workspaces of {@code memoryAccounts} accounts each were listed (each builds its account
   * directory) and {@code openSessions} sessions, spread over them, are open (the processor's
   * session cache holds them): what the one memory budget of the caches must keep bounded.
   */
  private void openSessionsMemory() throws Exception {
    Path dir = work.resolve("memory");
    try (ServerProcess server = ServerProcess.start(store.args(dir), List.of(), false)) {
      HttpClient http = HttpClient.newHttpClient();
      List<Shape.Keys> workspaces = new java.util.ArrayList<>();
      int sessionsPerWorkspace = Math.max(1, plan.openSessions / plan.memoryWorkspaces);
      long start = System.nanoTime();
      for (int w = 0; w < plan.memoryWorkspaces; w++) {
        Shape.Keys keys = workspace(dir);
        workspaces.add(keys);
        sendAccountsAndOpenSessions(http, server.url.resolve(Shape.NDJSON_100.path(keys, "")), sessionsPerWorkspace);
      }
      for (Shape.Keys keys : workspaces) {
        new Api(server.url, keys.adminToken()).awaitProcessed(Duration.ofMinutes(10));
      }
      double fillSeconds = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      for (Shape.Keys keys : workspaces) {
        new Api(server.url, keys.adminToken()).get("/api/v1/accounts?limit=1");
      }
      double listSeconds = (System.nanoTime() - start) / 1e9;
      double[] loaded = server.rssMib();
      Thread.sleep(plan.memoryIdle.toMillis()); // uptake serve asks the JVM to return free heap when idle
      double[] rss = server.rssMib();
      Api api = new Api(server.url, workspaces.get(0).adminToken());
      ObjectNode memory = results.putObject("memoryBound");
      memory.put("workspaces", plan.memoryWorkspaces);
      memory.put("accountsPerWorkspace", plan.memoryAccounts);
      memory.put("openSessions", (long) sessionsPerWorkspace * plan.memoryWorkspaces);
      memory.put("heap", "the JVM's default (no -Xmx)");
      memory.put("fillSeconds", fillSeconds);
      memory.put("listAllSeconds", listSeconds);
      memory.put("rssRightAfterMib", loaded[0]);
      memory.put("rssMib", rss[0]);
      memory.put("idleSecondsBeforeRss", plan.memoryIdle.toSeconds());
      memory.put("peakRssMib", rss[1]);
      memory.put("heapUsedMib", api.heapMib());
      memory.put("heapCommittedMib", api.metric("jvm_memory_committed_bytes{area=\"heap\"") / (1024 * 1024));
      memory.put("cacheBytesMib", api.metric("uptake_cache_bytes") / (1024 * 1024));
      Path histogram = work.resolve("memory-histogram.txt");
      server.jcmd(histogram, "GC.class_histogram"); // a full GC first: what is live
      memory.put("liveHeapMib", api.heapMib());
      memory.put("classHistogram", histogram.toString());
      log.printf("memory, %d workspaces x %,d accounts listed, %,d open sessions: RSS %.0f MiB right after, %.0f MiB %d s later"
              + " (peak %.0f MiB), live heap %.0f MiB%n",
          plan.memoryWorkspaces, plan.memoryAccounts, (long) sessionsPerWorkspace * plan.memoryWorkspaces, loaded[0], rss[0],
          plan.memoryIdle.toSeconds(), rss[1], memory.get("liveHeapMib").asDouble());
    }
  }

  /** One workspace's accounts (group calls) and its open sessions (a track each, now), as NDJSON of up to 1,000 lines. */
  private void sendAccountsAndOpenSessions(HttpClient http, URI nativeUri, int sessions) throws IOException, InterruptedException {
    StringBuilder body = new StringBuilder();
    int lines = 0;
    for (int a = 0; a < plan.memoryAccounts; a++) {
      body.append("{\"type\":\"group\",\"userId\":\"u").append(a).append("\",\"groupId\":\"a").append(a)
          .append("\",\"traits\":{\"name\":\"Account ").append(a).append("\",\"createdAt\":\"2024-01-01T00:00:00Z\"},")
          .append("\"originalTimestamp\":\"").append(Instant.now()).append("\"}\n");
      lines = sendWhenFull(http, nativeUri, body, lines + 1);
    }
    for (int s = 0; s < sessions; s++) {
      body.append("{\"type\":\"track\",\"event\":\"Open\",\"userId\":\"u").append(s).append("\",\"anonymousId\":\"open-")
          .append(s).append("\",\"groupId\":\"a").append(s % plan.memoryAccounts).append("\",\"originalTimestamp\":\"")
          .append(Instant.now()).append("\",\"properties\":{\"module\":\"Dashboard\"}}\n");
      lines = sendWhenFull(http, nativeUri, body, lines + 1);
    }
    sendWhenFull(http, nativeUri, body, Integer.MAX_VALUE);
  }

  private static int sendWhenFull(HttpClient http, URI nativeUri, StringBuilder body, int lines)
      throws IOException, InterruptedException {
    if (lines < 1_000 || body.isEmpty()) {
      return lines;
    }
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(nativeUri)
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("sending answered " + response.statusCode() + ": " + response.body());
    }
    body.setLength(0);
    return 0;
  }

  private void eventQueries() throws InterruptedException {
    StoreBench.EventQueries queries = StoreBench.eventQueries(store.config(work.resolve("events")), plan.eventsLog, plan.listRequests);
    results.set("eventQueries", Api.JSON.valueToTree(queries));
    queries.latencies().forEach((query, latency) -> log.printf("events query on %,d events, %-20s p50 %6.1f ms  p99 %6.1f ms%n",
        queries.events(), query, latency.p50Ms(), latency.p99Ms()));
  }

  private void accountsList() throws Exception {
    Path dir = work.resolve("accounts");
    try (ServerProcess server = ServerProcess.start(store.args(dir), List.of("-Xmx2g"), false)) {
      AccountsBench.Result result = AccountsBench.run(server.url, workspace(dir), plan.listAccounts, plan.listRequests, log);
      results.set("accountsList", Api.JSON.valueToTree(result));
    }
  }

  /** A workspace made by {@code uptake workspace create}, as an operator would. */
  private Shape.Keys workspace(Path dir) throws IOException {
    return workspace(store.args(dir));
  }

  /** A workspace made by {@code uptake workspace create} on the store {@code storeArgs} name. */
  static Shape.Keys workspace(List<String> storeArgs) throws IOException {
    StringWriter out = new StringWriter();
    List<String> args = new java.util.ArrayList<>(List.of("workspace", "create", "--name", "bench"));
    args.addAll(storeArgs);
    int code = Main.commandLine().setOut(new PrintWriter(out)).execute(args.toArray(String[]::new));
    if (code != 0) {
      throw new IOException("workspace create failed");
    }
    JsonNode keys = Api.JSON.readTree(out.toString());
    return new Shape.Keys(keys.get("workspace").asText(), keys.get("apiKey").asText(), keys.get("authKey").asText(),
        keys.get("writeKey").asText(), keys.get("adminToken").asText(), keys.get("adminEmail").asText(),
        keys.get("adminPassword").asText());
  }

  static void write(ObjectNode results, Path file) throws IOException {
    Files.writeString(file, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
  }
}
