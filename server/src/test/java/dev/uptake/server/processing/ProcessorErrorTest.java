package dev.uptake.server.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.store.fixtures.Backend;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.identity.IdentityResolver;
import dev.uptake.core.identity.ProfileCache;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.keys.Region;
import dev.uptake.core.pipeline.Pipeline;
import dev.uptake.core.sessions.SessionCache;
import dev.uptake.core.sessions.SessionStage;
import dev.uptake.store.DebugEntry;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.LogEntry;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.ProcessingLog;
import dev.uptake.store.StateWriter;
import dev.uptake.store.Store;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors on the processor's thread, injected into the real SQLite store's processing log: a stack
 * overflow is one event's failure like any other; any other Error stops processing for good and
 * says so, instead of leaving a dead thread behind.
 */
class ProcessorErrorTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Store store;
  long workspaceId;
  Processor processor;

  @BeforeEach
  void open() {
    store = Backend.ofRun().open(dir, Clock.systemUTC());
    workspaceId = store.workspaces().create("Acme", Region.US).workspace().id();
  }

  @AfterEach
  void close() {
    if (processor != null) {
      processor.close();
    }
    store.close();
  }

  void append(Events... events) {
    List<Outcome.Accepted> accepted = new ArrayList<>();
    for (Events event : events) {
      accepted.add((Outcome.Accepted) new Normalizer(JSON).normalize(event.node(), Instant.now(), null));
    }
    store.eventLog().append(new IngestBatch(workspaceId, Instant.now(), accepted, List.of())).join();
  }

  Processor start(ProcessingLog log) {
    return start(log, store.stateWriter());
  }

  Processor start(StateWriter writer) {
    return start(store.processingLog(), writer);
  }

  Processor start(ProcessingLog log, StateWriter writer) {
    processor = new Processor(log, writer, store.reprocessing(), store.forProcessor().profiles(), store.forProcessor().settings(), store.forProcessor().usage(),
        new Pipeline(new IdentityResolver(JSON), new SessionStage(JSON), JSON), new SessionCache(64L << 20),
        new ProfileCache(64L << 20), new SimpleMeterRegistry(), Clock.systemUTC())
        .start();
    return processor;
  }

  @Test
  void stackOverflowOnOneEventSetsThatEventAsideAndProcessingGoesOn() throws Exception {
    append(Events.track("A").user("u1").messageId("fine-1"), Events.track("A").user("deep").messageId("deep-1"),
        Events.track("A").user("u2").messageId("fine-2"));
    StateWriter real = store.stateWriter();
    start(new StateWriter() {
      @Override
      public long version() {
        return real.version();
      }

      @Override
      public void commit(ProcessedBatch batch) {
        boolean deep = batch.workspaces().stream()
            .anyMatch(w -> w.users().stream().anyMatch(user -> user.userId().equals("deep")));
        if (deep) {
          throw new StackOverflowError();
        }
        real.commit(batch);
      }
    });
    await(() -> store.processingLog().cursor() == 3);

    assertThat(store.quarantine().count(workspaceId)).isEqualTo(1);
    List<DebugEntry> failed = store.ledger().latest(workspaceId, DebugEntry.Filter.FAILED, 10);
    assertThat(failed).extracting(DebugEntry::messageId).containsExactly("deep-1");
    assertThat(failed.get(0).reasons().get(0).reason()).contains("StackOverflowError");
    assertThat(store.profiles().users(workspaceId, java.util.Set.of("u1", "u2", "deep"))).containsOnlyKeys("u1", "u2");
    assertThat(processor.status().running()).isTrue();
    assertThat(processor.failure()).isNull();
  }

  @Test
  void otherErrorStopsProcessingAndSaysWhy() throws Exception {
    append(Events.track("A").user("u1"));
    start(new Failing(store.processingLog()) {
      @Override
      public List<LogEntry> readAfter(long seq, int limit, long maxBytes) {
        throw new OutOfMemoryError("Java heap space");
      }
    });
    await(() -> processor.failure() != null);

    assertThat(processor.failure()).isInstanceOf(OutOfMemoryError.class);
    assertThat(processor.status().running()).isFalse();
    assertThat(store.processingLog().cursor()).isZero();
    assertThat(store.quarantine().count(workspaceId)).as("nothing set aside for it").isZero();
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** The real processing log, with one method overridden to fail. */
  static class Failing implements ProcessingLog {
    private final ProcessingLog real;

    Failing(ProcessingLog real) {
      this.real = real;
    }

    @Override
    public long cursor() {
      return real.cursor();
    }

    @Override
    public List<LogEntry> readAfter(long seq, int limit, long maxBytes) {
      return real.readAfter(seq, limit, maxBytes);
    }

    @Override
    public List<LogEntry> retries(int limit) {
      return real.retries(limit);
    }

    @Override
    public List<LogEntry> readWorkspace(long workspaceId, long afterSeq, long throughSeq, int limit, long maxBytes) {
      return real.readWorkspace(workspaceId, afterSeq, throughSeq, limit, maxBytes);
    }

    @Override
    public long count(long workspaceId, long throughSeq) {
      return real.count(workspaceId, throughSeq);
    }

    @Override
    public long lastSeq() {
      return real.lastSeq();
    }

    @Override
    public Instant receivedAfter(long seq) {
      return real.receivedAfter(seq);
    }
  }
}
