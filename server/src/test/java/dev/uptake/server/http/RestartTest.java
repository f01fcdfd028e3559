package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {

  @TempDir Path dir;

  @Test
  void serverRestartKeepsEveryAcceptedEventAndStillDeduplicates() {
    TestServer.Keys keys;
    List<String> sent = new ArrayList<>();
    try (TestServer server = TestServer.start(dir)) {
      keys = server.createWorkspace("Acme");
      for (int i = 0; i < 20; i++) {
        String id = "r" + i;
        sent.add(id);
        String event = Events.track("A").at(Instant.now().toString()).messageId(id).json();
        assertThat(server.post("/v1/track", event, "Authorization", keys.basicWriteKey()).statusCode()).isEqualTo(200);
      }
    }
    try (TestServer server = TestServer.start(dir)) {
      List<String> stored = new ArrayList<>();
      server.debugger(keys, "accepted").forEach(e -> stored.add(e.get("messageId").asText()));
      assertThat(stored).containsExactlyInAnyOrderElementsOf(sent);
      String again = Events.track("A").at(Instant.now().toString()).messageId("r0").json();
      server.post("/v1/track", again, "Authorization", keys.basicWriteKey());
      assertThat(server.stats(keys).get("accepted").asInt()).isEqualTo(20);
      assertThat(server.stats(keys).get("duplicates").asInt()).isEqualTo(1);
    }
  }
}
