package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.server.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RudderStack's official Node SDK ({@code @rudderstack/rudder-sdk-node}, from npm) with Uptake as
 * its data plane: every call it sends is stored exactly once, and its identify and group calls
 * become the user and the account.
 */
class RudderNodeSdkTest {

  @TempDir Path dir;

  @Test
  void everyCallTheRudderStackNodeSdkSendsIsAcceptedExactlyOnce() throws Exception {
    NodeSdks.require("@rudderstack/rudder-sdk-node");
    try (TestServer server = TestServer.start(dir)) {
      TestServer.Keys keys = server.createWorkspace("Acme");
      JsonNode result = NodeSdks.run("send-with-rudder-node-sdk.mjs", server.url(""), keys.writeKey(), "30");
      List<String> sent = new ArrayList<>();
      result.get("sent").forEach(id -> sent.add(id.asText()));
      assertThat(sent).hasSize(33);

      server.awaitProcessed(keys);
      List<String> stored = new ArrayList<>();
      server.debugger(keys, "accepted").forEach(entry -> stored.add(entry.get("messageId").asText()));
      assertThat(stored).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(server.stats(keys).get("rejected").asInt()).isZero();
      HttpResponse<String> user = server.get("/api/v1/users/u1", "Authorization", keys.bearer());
      assertThat(TestServer.json(user).at("/email").asText()).isEqualTo("ada@example.com");
      HttpResponse<String> account = server.get("/api/v1/accounts/acme", "Authorization", keys.bearer());
      assertThat(TestServer.json(account).at("/name").asText()).isEqualTo("Acme");
    }
  }
}
