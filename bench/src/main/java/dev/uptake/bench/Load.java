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
 * Sends realistic traffic of one shape at a server. Closed loop: each connection sends its next
 * request as soon as the previous one is answered (maximum throughput). Open loop: requests are
 * due at a fixed rate and latency is measured from when each was due, so a server that falls
 * behind shows it (no coordinated omission). Counts only what is answered 200 after the warm-up.
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

  /**
   * When a run measures: for {@code measure} after its warm-up, which lasts the given time or ends
   * earlier at {@link #measureNow} (a fresh server's JIT may compile for a minute on two shared
   * cores, or settle sooner).
   */
  static final class Window {
    private final Duration measure;
    private volatile long measureFrom;
    private volatile long end;

    private Window(Duration maxWarmup, Duration measure) {
      this.measure = measure;
      this.measureFrom = System.nanoTime() + maxWarmup.toNanos();
      this.end = measureFrom + measure.toNanos();
    }

    static Window after(Duration warmup, Duration measure) {
      return new Window(warmup, measure);
    }

    /** Ends the warm-up now, if it has not ended yet. */
    void measureNow() {
      long now = System.nanoTime();
      if (now < measureFrom) {
        measureFrom = now;
        end = now + measure.toNanos();
      }
    }
  }

  Result closedLoop(int connections, Duration warmup, Duration measure) throws InterruptedException {
    return run(connections, 0, Window.after(warmup, measure));
  }

  Result openLoop(double requestsPerSecond, int connections, Window window) throws InterruptedException {
    return run(connections, requestsPerSecond, window);
  }

  private Result run(int connections, double rate, Window window) throws InterruptedException {
    Recorder latencies = new Recorder(3);
    AtomicLong requests = new AtomicLong();
    AtomicLong events = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong ticket = new AtomicLong();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int connection = c;
      Thread thread = new Thread(() -> {
        Traffic traffic = new Traffic(connection, "c" + connection, Math.max(1, accounts / connections), 8, Clock.systemUTC());
        while (true) {
          long due = System.nanoTime();
          if (rate > 0) {
            due = start + (long) (ticket.getAndIncrement() * 1e9 / rate);
            sleepUntil(due);
          }
          if (due >= window.end) {
            return;
          }
          boolean ok = send(shape.body(traffic.next(shape.events), keys));
          long done = System.nanoTime();
          if (due >= window.measureFrom) {
            latencies.recordValue(Math.max(1, (done - due) / 1_000));
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
    double seconds = window.measure.toNanos() / 1e9;
    Histogram histogram = latencies.getIntervalHistogram();
    return new Result(
        shape.name(), rate > 0 ? "open" : "closed", connections, rate, seconds, requests.get(), events.get(),
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

  private static void sleepUntil(long nanoTime) {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}
