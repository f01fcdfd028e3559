package dev.uptake.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.ingest.Body;
import dev.uptake.core.ingest.BodyParser;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.rollups.Contributions;
import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionEvent;
import dev.uptake.core.sessions.SessionMerge;
import dev.uptake.core.sessions.Sessionizer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH microbenchmarks of the hot pure code: parsing and normalizing a 100-event body, forming
 * a 50-event session with its rollup contributions, and late events landing inside a long stored
 * session (what a batch costs when a session never goes quiet, such as a backend's user). Run with
 * {@code java -cp bench/target/uptake-bench.jar org.openjdk.jmh.Main MicroBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MicroBenchmarks {

  private final ObjectMapper json = new ObjectMapper();
  private final BodyParser parser = new BodyParser(json);
  private final Normalizer normalizer = new Normalizer(json);
  private byte[] body;
  private List<SessionEvent> session;
  private List<Session> longSession;
  private List<SessionEvent> lateEvents;

  /** How many events the stored session holds, one every 10 seconds. */
  @Param({"50000"})
  public int longSessionEvents;

  @Setup
  public void setUp() {
    body = String.join("\n", new Traffic(1, "jmh", 50, 8, Clock.systemUTC()).next(100)).getBytes(StandardCharsets.UTF_8);
    session = new ArrayList<>();
    long time = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
    for (int i = 0; i < 50; i++) {
      time += 20_000 + (i % 7) * 15_000;
      session.add(new SessionEvent(time, "m" + i, "u1", "acme", i % 5 == 0 ? "Reports" : null, "Viewed", null, null));
    }
    List<SessionEvent> stored = new ArrayList<>();
    long start = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
    for (int i = 0; i < longSessionEvents; i++) {
      stored.add(new SessionEvent(start + i * 10_000L, "s" + i, "u1", "acme", i % 7 == 0 ? "Module" + i % 3 : null,
          "Viewed", null, null));
    }
    longSession = Sessionizer.sessions("s1", stored, 30 * 60_000L);
    lateEvents = new ArrayList<>();
    for (int i = 1; i <= 10; i++) { // spread over the session, between its events
      lateEvents.add(new SessionEvent(start + i * (longSessionEvents / 11) * 10_000L + 5_000, "late" + i, "u1", "acme",
          null, "Clicked", null, null));
    }
  }

  /** Parse and normalize 100 events: one NDJSON request's worth. */
  @Benchmark
  public void normalizeHundredEvents(Blackhole sink) {
    Instant now = Instant.now();
    for (Body.Item item : ((Body.Parsed) parser.parse(body)).items()) {
      sink.consume(normalizer.normalize(((Body.Value) item).node(), now, null));
    }
  }

  /** Form a 50-event session and compute what it adds to the daily cells. */
  @Benchmark
  public void sessionizeFiftyEvents(Blackhole sink) {
    List<Session> sessions = Sessionizer.sessions("s1", session, 30 * 60_000L);
    sink.consume(Contributions.of(sessions, 5 * 60_000L, ZoneOffset.UTC));
  }

  /** Ten late events inside a long stored session: the merge, its rollup delta, what a store writes. */
  @Benchmark
  public void lateEventsIntoALongSession(Blackhole sink) {
    SessionMerge.Change change = SessionMerge.merge("s1", longSession, lateEvents, 30 * 60_000L);
    sink.consume(Contributions.delta(change, 5 * 60_000L, ZoneOffset.UTC));
    sink.consume(change.growths());
  }
}
