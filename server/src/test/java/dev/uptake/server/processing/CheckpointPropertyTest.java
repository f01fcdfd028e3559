package dev.uptake.server.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.identity.IdentityResolver;
import dev.uptake.core.identity.ProfileCache;
import dev.uptake.core.keys.Region;
import dev.uptake.core.pipeline.Pipeline;
import dev.uptake.core.sessions.SessionCache;
import dev.uptake.core.sessions.SessionStage;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.Store;
import dev.uptake.store.fixtures.Backend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same log processed in checkpoints that merge many small batches (computed while the
 * checkpoint before them commits, with session and profile caches small enough to forget keys) leaves every
 * user, account, session, usage cell, day of activity and index of the events API exactly as
 * processing it in one batch does, on both stores.
 */
class CheckpointPropertyTest {

  static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static Stream<Arguments> runs() {
    return Stream.of(Backend.values()).flatMap(backend -> Stream.of(1L, 2L, 3L).map(seed -> Arguments.of(backend, seed)));
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("runs")
  void checkpointsOfSmallBatchesLeaveWhatOneBatchLeaves(Backend backend, long seed) throws Exception {
    Random random = new Random(seed);
    int smallBatch = 1 + random.nextInt(12);
    SimpleMeterRegistry checkpoints = new SimpleMeterRegistry();

    Map<String, List<List<Object>>> oneBatch = processed(backend, dir.resolve("one"), seed, 3_000, 100_000, 256L << 20,
        new SimpleMeterRegistry());
    Map<String, List<List<Object>>> checkpointed = processed(backend, dir.resolve("many"), seed, 3_000, smallBatch, 20_000,
        checkpoints);

    assertThat(checkpoints.get("uptake.processing.checkpoint.events").summary().max())
        .as("some checkpoint merged batches of %d", smallBatch).isGreaterThan(smallBatch);
    assertThat(checkpointed.get("usage_daily")).hasSizeGreaterThan(500);
    checkpointed.forEach((table, rows) -> assertThat(rows).as(table).isEqualTo(oneBatch.get(table)));
  }

  /** Fills a new store's log with the seed's events, processes it to the end, and dumps the state. */
  static Map<String, List<List<Object>>> processed(Backend backend, Path storeDir, long seed, int events, int batchSize,
      long sessionBytes, SimpleMeterRegistry registry) throws Exception {
    return process(backend, storeDir, filled(backend, storeDir, seed, events), batchSize, sessionBytes, registry);
  }

  /** Processes the whole log of the store in {@code storeDir} and returns what it leaves of the workspace's state. */
  static Map<String, List<List<Object>>> process(Backend backend, Path storeDir, long workspace, int batchSize,
      long sessionBytes, SimpleMeterRegistry registry) throws Exception {
    try (Store store = backend.open(storeDir, new TestClock(NOW))) {
      long last = store.processingLog().lastSeq();
      Processor processor = processor(store, batchSize, sessionBytes, registry).start();
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (store.processingLog().cursor() < last) {
          assertThat(System.nanoTime()).as("processed within 60 s").isLessThan(deadline);
          assertThat(processor.failure()).isNull();
          Thread.sleep(10);
        }
      } finally {
        processor.close();
      }
      return StateDump.of(backend, storeDir, store, workspace);
    }
  }

  /** A new store whose log holds the seed's {@code events} events of a workspace "Acme"; returns its id. */
  static long filled(Backend backend, Path storeDir, long seed, int events) {
    try (Store store = backend.open(storeDir, new TestClock(NOW))) {
      long workspace = store.workspaces().create("Acme", Region.US).workspace().id();
      for (IngestBatch batch : Backlog.of(workspace, seed, events, NOW)) {
        store.eventLog().append(batch).join();
      }
      return workspace;
    }
  }

  static Processor processor(Store store, int batchSize, long sessionBytes, SimpleMeterRegistry registry) {
    Pipeline pipeline = new Pipeline(new IdentityResolver(JSON), new SessionStage(JSON), JSON);
    return new Processor(store.processingLog(), store.stateWriter(), store.reprocessing(), store.forProcessor().profiles(),
        store.forProcessor().settings(), store.forProcessor().usage(), pipeline, new SessionCache(sessionBytes),
        new ProfileCache(sessionBytes), registry, new TestClock(NOW), batchSize);
  }
}
