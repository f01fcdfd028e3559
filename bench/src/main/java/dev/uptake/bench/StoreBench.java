package dev.uptake.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.event.Event;
import dev.uptake.core.event.EventType;
import dev.uptake.core.identity.IdentityResolver;
import dev.uptake.core.identity.ProfileCache;
import dev.uptake.core.ingest.Body;
import dev.uptake.core.ingest.BodyParser;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.keys.Region;
import dev.uptake.core.pipeline.Pipeline;
import dev.uptake.core.sessions.SessionCache;
import dev.uptake.core.sessions.SessionStage;
import dev.uptake.server.processing.Processor;
import dev.uptake.store.DebugEntry;
import dev.uptake.store.EventFilter;
import dev.uptake.store.EventLog;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.Store;
import dev.uptake.store.StoreConfig;
import dev.uptake.store.Stores;
import dev.uptake.store.Workspace;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.HdrHistogram.Histogram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The store without HTTP: the append ceiling, and the processing replay of a pre-filled log. */
final class StoreBench {

  /** Events appended per second, and processing replay figures. */
  record Appends(double seconds, long events, double eventsPerSecond) {}

  record Replay(long events, double fillSeconds, double replaySeconds, double eventsPerSecond) {
    Replay withFillSeconds(double seconds) {
      return new Replay(events, seconds, replaySeconds, eventsPerSecond);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private StoreBench() {}

  /** Appends {@code size}-event batches from {@code threads} threads, as ingest would, for {@code measure}. */
  static Appends appendCeiling(StoreConfig config, int size, int threads, Duration warmup, Duration measure)
      throws InterruptedException {
    try (Store store = Stores.open(config, Clock.systemUTC())) {
      Workspace workspace = store.workspaces().create("bench", Region.US).workspace();
      List<Outcome.Accepted> pool = normalized(new Traffic(7, "store", 200, 8, Clock.systemUTC()), 20_000);
      EventLog log = store.eventLog();
      AtomicLong counter = new AtomicLong();
      AtomicLong events = new AtomicLong();
      long measureFrom = System.nanoTime() + warmup.toNanos();
      long end = measureFrom + measure.toNanos();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread worker = new Thread(() -> {
          while (System.nanoTime() < end) {
            IngestBatch batch = new IngestBatch(workspace.id(), Instant.now(), fresh(pool, counter, size), List.of());
            log.append(batch).join();
            if (System.nanoTime() >= measureFrom) {
              events.addAndGet(size);
            }
          }
        });
        worker.start();
        workers.add(worker);
      }
      for (Thread worker : workers) {
        worker.join();
      }
      double seconds = measure.toNanos() / 1e9;
      return new Appends(seconds, events.get(), events.get() / seconds);
    }
  }

  /** A log of realistic events: {@link #ACCOUNTS_PER_EVENT} accounts of {@link #USERS_PER_ACCOUNT} users. */
  record Filled(long workspaceId, int accounts, double seconds) {}

  static final int ACCOUNTS_PER_EVENT = 2_000;
  static final int USERS_PER_ACCOUNT = 8;

  /** Fills the new store {@code config} names with {@code total} events of workspace "replay". */
  static Filled fill(StoreConfig config, long total) {
    long fillStart = System.nanoTime();
    try (Store store = Stores.open(config, Clock.systemUTC())) {
      Workspace workspace = store.workspaces().create("replay", Region.US).workspace();
      int accounts = Math.max(10, (int) (total / ACCOUNTS_PER_EVENT));
      Traffic traffic = new Traffic(11, "replay", accounts, USERS_PER_ACCOUNT, Clock.systemUTC());
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (long filled = 0; filled < total; filled += 1_000) {
        pending.add(store.eventLog().append(new IngestBatch(workspace.id(), Instant.now(), normalized(traffic, 1_000), List.of())));
        if (pending.size() >= 8) {
          pending.remove(0).join();
        }
      }
      pending.forEach(CompletableFuture::join);
      return new Filled(workspace.id(), accounts, (System.nanoTime() - fillStart) / 1e9);
    }
  }

  /** What the events API and the debugger read on a large log, per query; latencies in milliseconds. */
  record EventQueries(long events, double fillSeconds, Map<String, AccountsBench.Latency> latencies) {}

  /**
   * Fills a log with {@code total} events and processes them (the indexes by user and account are
   * processing's), then times the reads behind {@code GET /api/v1/events} (by user, by account, by
   * type) and the debugger (latest, warnings) at the store, the newest 50 of each, for random users
   * and accounts; no processor runs meanwhile.
   */
  static EventQueries eventQueries(StoreConfig config, long total, int requests) throws InterruptedException {
    Filled filled = fill(config, total);
    replay(config);
    Map<String, AccountsBench.Latency> latencies = new LinkedHashMap<>();
    try (Store store = Stores.open(config, Clock.systemUTC())) {
      long workspace = filled.workspaceId();
      int users = filled.accounts() * USERS_PER_ACCOUNT;
      Random random = new Random(5);
      latencies.put("by user", time(requests, () -> store.ledger().events(workspace,
          new EventFilter(null, "replay-u" + random.nextInt(users), null, null, null), Long.MAX_VALUE, 50)));
      latencies.put("by account", time(requests, () -> store.ledger().events(workspace,
          new EventFilter("replay-acct" + random.nextInt(filled.accounts()), null, null, null, null), Long.MAX_VALUE, 50)));
      latencies.put("identify calls", time(requests, () -> store.ledger().events(workspace,
          new EventFilter(null, null, EventType.IDENTIFY, null, null), Long.MAX_VALUE, 50)));
      latencies.put("debugger, latest", time(requests, () -> store.ledger().latest(workspace, DebugEntry.Filter.ALL, 50)));
      latencies.put("debugger, warnings", time(requests,
          () -> store.ledger().latest(workspace, DebugEntry.Filter.WARNING, 50)));
      return new EventQueries(store.processingLog().lastSeq(), filled.seconds(), latencies);
    }
  }

  private static AccountsBench.Latency time(int requests, Runnable query) {
    Histogram histogram = new Histogram(3);
    for (int i = 0; i < requests; i++) {
      long start = System.nanoTime();
      query.run();
      histogram.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
    }
    return new AccountsBench.Latency(histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0);
  }

  /** Fills a log with {@code total} realistic events, then times the processor catching up. */
  static Replay processingReplay(StoreConfig config, long total) throws InterruptedException {
    double fillSeconds = fill(config, total).seconds();
    return replay(config).withFillSeconds(fillSeconds);
  }

  /** Processes the log of {@code config}'s store to its end; the fill took no time here. */
  private static Replay replay(StoreConfig config) throws InterruptedException {
    double fillSeconds = 0;
    try (Store store = Stores.open(config, Clock.systemUTC())) {
      long last = store.processingLog().lastSeq();
      long start = System.nanoTime();
      Processor processor = processor(store, new SimpleMeterRegistry());
      try {
        while (store.processingLog().cursor() < last) {
          Thread.sleep(100);
        }
      } finally {
        processor.close();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Replay(last, fillSeconds, seconds, last / seconds);
    }
  }

  /** Processing cost per event over {@code events} events of live traffic, as the state grows. */
  record Live(int chunkEvents, List<LiveWindow> windows) {}

  /**
   * One stretch of {@link #liveCommits}: the processor's compute and commit time per event in it,
   * the bytes its committing thread wrote per event (SQLite's WAL and checkpoints: whole pages, so
   * the figure counts the pages an event dirties, without the noise of timing), and the size of
   * state.db at its end (-1 on PostgreSQL).
   */
  record LiveWindow(long eventsSoFar, long commits, double computeMicrosPerEvent, double commitMicrosPerEvent,
      long committerBytesPerEvent, long stateBytes) {}

  /** A chunk is what a second and a half of traffic at 8,000 events/s brings: one commit's worth in FRESHNESS. */
  static final int LIVE_CHUNK_EVENTS = 12_000;
  private static final int LIVE_WINDOWS = 5;

  /**
   * Live traffic processed chunk by chunk, each processed before the next is appended, with no
   * other load on the machine: what a commit costs per event as the state grows, without the
   * noise of HTTP traffic and a fresh server's JIT that FRESHNESS carries. The events are
   * FRESHNESS's ({@code accounts} accounts of 8 users, their sessions spread over the last week).
   */
  static Live liveCommits(StoreConfig config, long events, int accounts) throws InterruptedException, IOException {
    int chunk = (int) Math.max(1, Math.min(LIVE_CHUNK_EVENTS, events / (LIVE_WINDOWS * 2)));
    long chunks = Math.max(LIVE_WINDOWS, events / chunk);
    List<LiveWindow> windows = new ArrayList<>();
    try (Store store = Stores.open(config, Clock.systemUTC())) {
      Workspace workspace = store.workspaces().create("live", Region.US).workspace();
      Traffic traffic = new Traffic(3, "live", accounts, USERS_PER_ACCOUNT, Clock.systemUTC());
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Processor processor = processor(store, registry);
      try {
        Timer commit = registry.find("uptake.processing.batch").tag("phase", "commit").timer();
        Timer compute = registry.find("uptake.processing.batch").tag("phase", "compute").timer();
        double commitBefore = 0;
        double computeBefore = 0;
        long commitsBefore = 0;
        long windowEvents = 0;
        long pid = ProcessHandle.current().pid();
        DiskWrites writtenBefore = DiskWrites.of(pid);
        for (long c = 1; c <= chunks; c++) {
          for (int sent = 0; sent < chunk; sent += 1_000) {
            store.eventLog().append(new IngestBatch(workspace.id(), Instant.now(),
                normalized(traffic, Math.min(1_000, chunk - sent)), List.of())).join();
          }
          long last = store.processingLog().lastSeq();
          while (store.processingLog().cursor() < last) {
            Thread.sleep(2);
          }
          windowEvents += chunk;
          if (c % Math.max(1, chunks / LIVE_WINDOWS) == 0 || c == chunks) {
            double commitNow = commit.totalTime(TimeUnit.MICROSECONDS);
            double computeNow = compute.totalTime(TimeUnit.MICROSECONDS);
            DiskWrites writtenNow = DiskWrites.of(pid);
            Path state = config.dataDir() == null ? null : config.dataDir().resolve("state.db");
            windows.add(new LiveWindow(c * chunk, commit.count() - commitsBefore, (computeNow - computeBefore) / windowEvents,
                (commitNow - commitBefore) / windowEvents,
                writtenNow.perEventSince(writtenBefore, windowEvents).getOrDefault("committer", 0L),
                state != null && Files.exists(state) ? sizeOf(state) : -1));
            writtenBefore = writtenNow;
            commitBefore = commitNow;
            computeBefore = computeNow;
            commitsBefore = commit.count();
            windowEvents = 0;
          }
        }
      } finally {
        processor.close();
      }
    }
    return new Live(chunk, windows);
  }

  /** The embedded processor on {@code store}, started, holding up to 256 MiB of sessions and 64 MiB of users and accounts. */
  private static Processor processor(Store store, SimpleMeterRegistry registry) {
    Pipeline pipeline = new Pipeline(new IdentityResolver(JSON), new SessionStage(JSON), JSON);
    return new Processor(store.processingLog(), store.stateWriter(), store.reprocessing(),
        store.forProcessor().profiles(), store.forProcessor().settings(), store.forProcessor().usage(),
        pipeline, new SessionCache(256L << 20), new ProfileCache(64L << 20), registry, Clock.systemUTC()).start();
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static List<Outcome.Accepted> fresh(List<Outcome.Accepted> pool, AtomicLong counter, int size) {
    List<Outcome.Accepted> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      long n = counter.getAndIncrement();
      Event e = pool.get((int) (n % pool.size())).event();
      batch.add(new Outcome.Accepted(new Event("s-" + n, e.type(), e.userId(), e.anonymousId(), e.groupId(), e.name(),
          e.module(), e.eventTime(), e.receivedAt(), e.payload()), List.of()));
    }
    return batch;
  }

  static List<Outcome.Accepted> normalized(Traffic traffic, int count) {
    BodyParser parser = new BodyParser(JSON);
    Normalizer normalizer = new Normalizer(JSON);
    String ndjson = String.join("\n", traffic.next(count));
    Body.Parsed body = (Body.Parsed) parser.parse(ndjson.getBytes(StandardCharsets.UTF_8));
    Instant now = Instant.now();
    List<Outcome.Accepted> accepted = new ArrayList<>();
    for (Body.Item item : body.items()) {
      if (normalizer.normalize(((Body.Value) item).node(), now, null) instanceof Outcome.Accepted ok) {
        accepted.add(ok);
      }
    }
    return accepted;
  }
}
