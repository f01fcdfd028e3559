package dev.uptake.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import dev.uptake.store.DatabaseUrl;
import dev.uptake.store.fixtures.TestDatabases;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole benchmark suite with a tiny load, so the instruments cannot rot. It asserts that every
 * figure is produced and that the servers accepted the load without errors, never how fast.
 */
class BenchSmokeTest {

  @TempDir Path dir;

  @Test
  void everyInstrumentProducesItsFigure() throws Exception {
    if (!"true".equals(System.getenv("CI"))) { // under CI the suite fails, saying what to install
      assumeThat(Wrk.installed()).as("wrk, which measures ingest (apt-get install wrk)").isTrue();
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ObjectNode results = new Suite(Suite.Plan.SMOKE, dir, new PrintStream(log, true, StandardCharsets.UTF_8)).run();

    for (Shape shape : Shape.values()) {
      JsonNode run = results.at("/durableIngest/" + shape.name());
      assertThat(run.get("events").asLong()).as(shape + " sent events").isPositive();
      assertThat(run.get("errors").asLong()).as(shape + " errors").isZero();
      assertThat(run.get("p99Ms").asDouble()).isPositive();
      assertThat(run.at("/serverCores/requests").asDouble()).as(shape + ": CPU of the threads answering").isPositive();
    }
    assertThat(results.at("/flume/events").asLong()).as("Apache Flume took the same requests").isPositive();
    assertThat(results.at("/flume/errors").asLong()).isZero();
    assertThat(results.at("/flume/uptakeRatio").asDouble()).isPositive();
    assertThat(results.at("/ceilingWithoutStorage/NDJSON_100/events").asLong()).isPositive();
    assertThat(results.at("/ceilingWithoutStorage/TRACK_1/events").asLong()).isPositive();
    assertThat(results.at("/ceilingStoreAlone/NDJSON_100/events").asLong()).isPositive();
    assertThat(results.at("/ceilingStoreAlone/TRACK_1/events").asLong()).isPositive();
    assertThat(results.at("/freshness/probes").asLong()).isPositive();
    assertThat(results.at("/processingReplay/events").asLong()).isPositive();
    assertThat(results.at("/live/windows").size()).as("live traffic's windows").isPositive();
    assertThat(results.at("/live/windows/0/commitMicrosPerEvent").asDouble()).isPositive();
    assertThat(results.at("/memory/peakRssMib").asDouble()).isPositive();
    assertThat(results.at("/memoryBound/openSessions").asInt()).isEqualTo(Suite.Plan.SMOKE.openSessions());
    assertThat(results.at("/memoryBound/workspaces").asInt()).isEqualTo(Suite.Plan.SMOKE.memoryWorkspaces());
    assertThat(results.at("/memoryBound/rssMib").asDouble()).isPositive();
    assertThat(results.at("/memoryBound/liveHeapMib").asDouble()).isPositive();
    assertThat(results.at("/accountsList/accounts").asInt()).isEqualTo(Suite.Plan.SMOKE.listAccounts());
    assertThat(results.at("/accountsList/defaultPage/requests").asLong()).isEqualTo(Suite.Plan.SMOKE.listRequests());
    for (String route : AccountsBench.ACCOUNT_ROUTES) {
      assertThat(results.at("/accountsList/accountRoutes").get(route).get("requests").asLong()).as(route)
          .isEqualTo(Suite.Plan.SMOKE.listRequests());
    }
    assertThat(results.at("/accountsList/filteredTotal").asInt()).as("the filter matches some, not all").isBetween(1, Suite.Plan.SMOKE.listAccounts() - 1);
    assertThat(results.at("/eventQueries/events").asLong()).isBetween(1L, Suite.Plan.SMOKE.eventsLog());
    assertThat(results.at("/eventQueries/latencies").size()).isEqualTo(5);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("processing replay").contains("accounts list");

    Path file = dir.resolve("results.json");
    Suite.write(results, file);
    assertThat(Api.JSON.readTree(file.toFile()).get("durableIngest")).isNotNull();
  }

  @Test
  void theClusterInstrumentsProduceTheirFigures() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ObjectNode results;
    try (BenchStore postgresql = BenchStore.postgresql(DatabaseUrl.parse(TestDatabases.fresh()))) {
      results = new Suite(Suite.Plan.SMOKE, EnumSet.of(Suite.Phase.CLUSTER), dir, postgresql,
          new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    }
    JsonNode cluster = results.get("cluster");
    assertThat(cluster.at("/embedded/ingest/errors").asLong()).isZero();
    assertThat(cluster.at("/oneIngestOneProcessor/ingest/errors").asLong()).isZero();
    assertThat(cluster.at("/oneIngestOneProcessor/freshness/probes").asLong()).isPositive();
    assertThat(cluster.at("/oneIngestOneProcessor/steady/freshness/probes").asLong()).isPositive();
    assertThat(cluster.at("/embedded/steady/freshness/probes").asLong()).isPositive();
    for (String run : new String[] {"1processors", "2processors"}) {
      assertThat(cluster.at("/processing/" + run + "/events").asLong()).as(run).isBetween(1L, Suite.Plan.SMOKE.replayEvents());
    }
    assertThat(cluster.get("embeddedReplayEventsPerSecond").asDouble()).isPositive();
  }
}
