package dev.uptake.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.event.Event;
import dev.uptake.core.identity.IdentityResolver;
import dev.uptake.core.ingest.Body;
import dev.uptake.core.ingest.BodyParser;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.keys.Region;
import dev.uptake.core.pipeline.Pipeline;
import dev.uptake.core.sessions.SessionCache;
import dev.uptake.core.sessions.SessionStage;
import dev.uptake.server.processing.Processor;
import dev.uptake.store.EventLog;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.Store;
import dev.uptake.store.StoreConfig;
import dev.uptake.store.Stores;
import dev.uptake.store.Workspace;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** The store without HTTP: the append ceiling, and the processing replay of a pre-filled log. */
final class StoreBench {

  /** Events appended per second, and processing replay figures. */
  record Appends(double seconds, long events, double eventsPerSecond) {}

  record Replay(long events, double fillSeconds, double replaySeconds, double eventsPerSecond) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private StoreBench() {}

  /** Appends {@code size}-event batches from {@code threads} threads, as ingest would, for {@code measure}. */
  static Appends appendCeiling(Path dir, int size, int threads, Duration warmup, Duration measure)
      throws InterruptedException {
    try (Store store = Stores.open(new StoreConfig(dir), Clock.systemUTC())) {
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

  /** Fills a log with {@code total} realistic events, then times the processor catching up. */
  static Replay processingReplay(Path dir, long total) throws InterruptedException {
    long fillStart = System.nanoTime();
    try (Store store = Stores.open(new StoreConfig(dir), Clock.systemUTC())) {
      Workspace workspace = store.workspaces().create("replay", Region.US).workspace();
      Traffic traffic = new Traffic(11, "replay", Math.max(10, (int) (total / 2_000)), 8, Clock.systemUTC());
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (long filled = 0; filled < total; filled += 1_000) {
        pending.add(store.eventLog().append(new IngestBatch(workspace.id(), Instant.now(), normalized(traffic, 1_000), List.of())));
        if (pending.size() >= 8) {
          pending.remove(0).join();
        }
      }
      pending.forEach(CompletableFuture::join);
    }
    double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
    try (Store store = Stores.open(new StoreConfig(dir), Clock.systemUTC())) {
      long last = store.processingLog().lastSeq();
      Pipeline pipeline = new Pipeline(new IdentityResolver(JSON), new SessionStage(JSON));
      long start = System.nanoTime();
      Processor processor = new Processor(store.processingLog(), store.profiles(), store.settings(), store.usage(),
          pipeline, new SessionCache(256L << 20), new SimpleMeterRegistry(), Clock.systemUTC()).start();
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
