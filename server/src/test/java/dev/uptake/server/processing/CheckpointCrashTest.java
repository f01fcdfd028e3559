package dev.uptake.server.processing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.TestClock;
import dev.uptake.server.http.CrashTest.ServerProcess;
import dev.uptake.store.Store;
import dev.uptake.store.fixtures.Backend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server process, killed with SIGKILL while it commits a processing checkpoint (the first
 * of a backlog, then one that merged several batches after another had landed), and restarted,
 * ends with every user, account, session, usage cell and index exactly as a run that was never
 * killed leaves them.
 */
class CheckpointCrashTest {

  /**
   * Enough that the second run's first checkpoint (one batch of 50,000) lands and the next is
   * committing when it is killed; PostgreSQL takes longer to fill and to process, so a little less.
   */
  static int events(Backend backend) {
    return backend == Backend.SQLITE ? 150_000 : 100_000;
  }
  static final long SEED = 7;

  @TempDir Path dir;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void sigkillDuringCheckpointsLeavesWhatAnUninterruptedRunLeaves() throws Exception {
    Backend backend = Backend.ofRun();
    Path crashed = dir.resolve("crashed");
    long workspace = CheckpointPropertyTest.filled(backend, crashed, SEED, events(backend));
    Path clean = dir.resolve("clean");
    backend.copy(crashed, clean); // the same log, processed in one uninterrupted run at the end
    long last = seq(backend, crashed, "SELECT coalesce(max(seq), 0) FROM events");

    killWhileCommitting(backend, crashed, last, false); // the first checkpoint: nothing committed yet
    long afterFirst = seq(backend, crashed, "SELECT seq FROM processing_cursor WHERE id = 1");
    killWhileCommitting(backend, crashed, last, true); // one landed, the next (merged batches) commits
    long afterSecond = seq(backend, crashed, "SELECT seq FROM processing_cursor WHERE id = 1");
    assertThat(afterSecond).as("the second run committed a checkpoint before it was killed").isGreaterThan(afterFirst);
    ServerProcess server = ServerProcess.start(backend.args(crashed));
    try {
      waitFor(() -> seq(backend, crashed, "SELECT seq FROM processing_cursor WHERE id = 1") == last, Duration.ofSeconds(120));
    } finally {
      server.process().destroy();
      server.process().waitFor(30, TimeUnit.SECONDS);
    }

    Map<String, List<List<Object>>> uninterrupted = CheckpointPropertyTest.process(
        backend, clean, workspace, Processor.BATCH_SIZE, 256L << 20, new SimpleMeterRegistry());
    Map<String, List<List<Object>>> afterKills;
    try (Store store = backend.open(crashed, new TestClock(CheckpointPropertyTest.NOW))) {
      afterKills = StateDump.of(backend, crashed, store, workspace);
    }
    afterKills.forEach((table, rows) -> assertThat(rows).as(table).isEqualTo(uninterrupted.get(table)));
  }

  /**
   * Starts the server on the store and kills it (SIGKILL) as soon as it commits a checkpoint, after
   * it committed one already when {@code afterOneLanded}.
   */
  private void killWhileCommitting(Backend backend, Path store, long last, boolean afterOneLanded) throws Exception {
    long from = seq(backend, store, "SELECT seq FROM processing_cursor WHERE id = 1");
    ServerProcess server = ServerProcess.start(backend.args(store));
    try {
      waitFor(() -> (!afterOneLanded || seq(backend, store, "SELECT seq FROM processing_cursor WHERE id = 1") > from)
          && committing(server) > 0, Duration.ofSeconds(60));
    } finally {
      server.process().destroyForcibly(); // SIGKILL: no shutdown hook, the commit cut short
      server.process().waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(seq(backend, store, "SELECT seq FROM processing_cursor WHERE id = 1"))
        .as("killed before the end of the log").isLessThan(last);
  }

  /** The events of the checkpoint the server is committing now, from its /metrics. */
  private long committing(ServerProcess server) {
    try {
      HttpResponse<String> metrics = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      for (String line : metrics.body().split("\n")) {
        if (line.startsWith("uptake_processing_checkpoint_committing ")) {
          return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
        }
      }
      throw new AssertionError("/metrics has no uptake_processing_checkpoint_committing");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static long seq(Backend backend, Path store, String sql) {
    try (Connection connection = backend.connect(store); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getLong(1) : 0;
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within " + timeout).isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
