package dev.uptake.server.processing;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the store refuses processing's commits (another connection holds what they must write),
 * nothing is set aside: processing retries, readiness says why, ingest goes on; when the lock is
 * released everything is processed and the server is ready again.
 */
class StoreOutageTest {

  @TempDir Path dir;

  @Test
  void storeThatRefusesCommitsMakesProcessingRetryNotSetEventsAside() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      server.sendProcessed(keys, Events.track("Export").user("u1"));
      assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);

      AutoCloseable held = server.holdProcessing();
      try {
        HttpResponse<String> accepted = server.post("/v1/track", Events.track("Open").user("u2").json(),
            "Authorization", keys.basicWriteKey());
        assertThat(accepted.statusCode()).as("ingest goes on").isEqualTo(200);
        JsonNode notReady = awaitReady(server, 503);
        assertThat(notReady.get("checks").get("processor").asText()).startsWith("retrying");
        assertThat(notReady.get("lag").get("events").asInt()).isEqualTo(1);
        assertThat(server.get("/health/live").statusCode()).as("the process itself is fine").isEqualTo(200);
      } finally {
        held.close();
      }

      server.awaitProcessed(keys);
      assertThat(server.stats(keys).get("failed").asInt()).isZero();
      assertThat(server.get("/api/v1/users/u2", "Authorization", keys.bearer()).statusCode()).isEqualTo(200);
      JsonNode ready = awaitReady(server, 200);
      assertThat(ready.get("checks").get("processor").asText()).isEqualTo("ok");
      assertThat(ready.get("lag").get("events").asInt()).isZero();
      assertThat(server.get("/metrics").body()).containsPattern("uptake_processing_failures_total [1-9]");
    }
  }

  private static JsonNode awaitReady(TestServer server, int status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      HttpResponse<String> response = server.get("/health/ready");
      if (response.statusCode() == status) {
        return json(response);
      }
      assertThat(System.nanoTime()).as("/health/ready answered %d within 60 s: %s", status, response.body())
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
