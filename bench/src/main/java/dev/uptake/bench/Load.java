package dev.uptake.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Sends realistic traffic of one shape at a server from the JDK's HTTP client, closed loop: each
 * connection sends its next request as soon as the previous one is answered (maximum throughput).
 * Counts only what is answered 200 after the warm-up. The cluster and import phases use it; the
 * ingest figures and freshness's background load come from {@link Wrk}, far lighter on the shared cores.
 */
final class Load {

  /** One measured run. Latencies in milliseconds. */
  record Result(
      String shape, String mode, int connections, double targetRequestsPerSecond, double seconds, long requests,
      long events, long errors, double eventsPerSecond, double requestsPerSecond, double p50Ms, double p90Ms,
      double p99Ms, double maxMs) {}

  private final URI base;
  private final Shape.Keys keys;
  private final Shape shape;
  private final int accounts;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  Load(URI base, Shape.Keys keys, Shape shape, int accounts) {
    this.base = base;
    this.keys = keys;
    this.shape = shape;
    this.accounts = accounts;
  }

  Result closedLoop(int connections, Duration warmup, Duration measure) throws InterruptedException {
    long measureFrom = System.nanoTime() + warmup.toNanos();
    long end = measureFrom + measure.toNanos();
    Recorder latencies = new Recorder(3);
    AtomicLong requests = new AtomicLong();
    AtomicLong events = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int connection = c;
      Thread thread = new Thread(() -> {
        Traffic traffic = new Traffic(connection, "c" + connection, Math.max(1, accounts / connections), 8, Clock.systemUTC());
        while (true) {
          long sent = System.nanoTime();
          if (sent >= end) {
            return;
          }
          boolean ok = send(shape.body(traffic.next(shape.events), keys));
          long done = System.nanoTime();
          if (sent >= measureFrom) {
            latencies.recordValue(Math.max(1, (done - sent) / 1_000));
            requests.incrementAndGet();
            if (ok) {
              events.addAndGet(shape.events);
            } else {
              errors.incrementAndGet();
            }
          }
        }
      }, "load-" + c);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = measure.toNanos() / 1e9;
    Histogram histogram = latencies.getIntervalHistogram();
    return new Result(
        shape.name(), "closed", connections, 0, seconds, requests.get(), events.get(),
        errors.get(), events.get() / seconds, requests.get() / seconds, ms(histogram.getValueAtPercentile(50)),
        ms(histogram.getValueAtPercentile(90)), ms(histogram.getValueAtPercentile(99)), ms(histogram.getMaxValue()));
  }

  private boolean send(String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(shape.path(keys, body)))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (shape.basicAuth()) {
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((keys.writeKey() + ":").getBytes(StandardCharsets.UTF_8)));
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}
