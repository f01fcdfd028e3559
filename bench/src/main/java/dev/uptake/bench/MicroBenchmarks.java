package dev.uptake.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.ingest.Body;
import dev.uptake.core.ingest.BodyParser;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.rollups.Contributions;
import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionEvent;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH microbenchmarks of the hot pure code: parsing and normalizing a 100-event body, and forming
 * a 50-event session with its rollup contributions. Run with
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

  @Setup
  public void setUp() {
    body = String.join("\n", new Traffic(1, "jmh", 50, 8, Clock.systemUTC()).next(100)).getBytes(StandardCharsets.UTF_8);
    session = new ArrayList<>();
    long time = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
    for (int i = 0; i < 50; i++) {
      time += 20_000 + (i % 7) * 15_000;
      session.add(new SessionEvent(time, "m" + i, "u1", "acme", i % 5 == 0 ? "Reports" : null, "Viewed", null, null));
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
}
