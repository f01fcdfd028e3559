package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.server.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment's official Node SDK ({@code @segment/analytics-node}, installed from npm by the build
 * into {@code src/test/node}) pointed at a real server: every event it sends is stored exactly
 * once. On a laptop without Node or the package the test is skipped; under {@code CI=true} it
 * fails instead.
 */
class SegmentNodeSdkTest {

  @TempDir Path dir;

  @Test
  void everyEventTheNodeSdkSendsIsAcceptedExactlyOnce() throws Exception {
    NodeSdks.require("@segment/analytics-node");
    try (TestServer server = TestServer.start(dir)) {
      TestServer.Keys keys = server.createWorkspace("Acme");
      JsonNode result = NodeSdks.run("send-with-node-sdk.mjs", server.url(""), keys.writeKey(), "40");
      List<String> delivered = new ArrayList<>();
      result.get("delivered").forEach(id -> delivered.add(id.asText()));
      assertThat(delivered).hasSize(42);

      List<String> stored = new ArrayList<>();
      server.debugger(keys, "accepted").forEach(entry -> stored.add(entry.get("messageId").asText()));
      assertThat(stored).containsExactlyInAnyOrderElementsOf(delivered);
      JsonNode stats = server.stats(keys);
      assertThat(stats.get("accepted").asInt()).isEqualTo(42);
      assertThat(stats.get("rejected").asInt()).isZero();
      assertThat(stats.get("duplicates").asInt()).isZero();
    }
  }

}
