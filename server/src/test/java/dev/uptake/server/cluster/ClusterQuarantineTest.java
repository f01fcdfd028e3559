package dev.uptake.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.cluster.fixtures.TestKafka;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.http.CrashTest;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.store.DatabaseUrl;
import dev.uptake.store.fixtures.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a cluster as on one server: events that processing fails on are set aside and shown as
 * failed while everything else is processed, and an admin's retry through a query node is
 * processed by the processor that owns the event's partition.
 */
class ClusterQuarantineTest {

  @TempDir Path dir;

  @Test
  void eventsOfAWorkspaceWhoseSettingsNoLongerParseAreSetAsideAndRetriedOnRequest() throws Exception {
    String database = TestDatabases.fresh();
    Keys broken = Keys.of(TestServer.cliExactly("workspace", "create", "--name", "Broken", "--database", database));
    Keys healthy = Keys.of(TestServer.cliExactly("workspace", "create", "--name", "Healthy", "--database", database));
    DatabaseUrl url = DatabaseUrl.parse(database);
    try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        PreparedStatement breakSettings = connection.prepareStatement("INSERT INTO workspace_settings (workspace_id, settings)"
            + " SELECT id, '{\"timeZone\": 42' FROM workspaces WHERE public_id = ?"
            + " ON CONFLICT (workspace_id) DO UPDATE SET settings = excluded.settings")) {
      breakSettings.setString(1, broken.workspace());
      breakSettings.executeUpdate();
    }
    try (TestKafka kafka = TestKafka.start(dir.resolve("kafka"))) {
      Node node = Node.start("node", "ingest,process,query", kafka.bootstrapServers(), database, dir);
      try {
        String batch = "{\"batch\":[" + Events.track("Export").user("b2").messageId("b-2").json() + ","
            + Events.track("Open").user("b3").messageId("b-3").json() + "]}";
        assertThat(node.send("POST", "/v1/batch", batch, "Authorization", broken.basicWriteKey()).statusCode()).isEqualTo(200);
        assertThat(node.send("POST", "/v1/track", Events.track("Export").user("h1").json(), "Authorization",
            healthy.basicWriteKey()).statusCode()).isEqualTo(200);

        CrashTest.waitUntil(() -> stats(node, broken).get("failed").asInt() == 2
            && stats(node, healthy).get("processed").asInt() == 1, Duration.ofSeconds(60));
        assertThat(node.getJson("/api/v1/users/h1", "Authorization", healthy.bearer()).get("id").asText()).isEqualTo("h1");
        JsonNode failed = node.getJson("/api/v1/debugger?status=failed", "Authorization", broken.bearer()).get("events");
        assertThat(failed).extracting(event -> event.get("messageId").asText()).containsExactlyInAnyOrder("b-2", "b-3");
        assertThat(failed.get(0).at("/reasons/0/reason").asText()).contains("settings");
        assertThat(stats(node, broken).get("processed").asInt()).isEqualTo(2);

        HttpResponse<String> fixed = node.send("PUT", "/api/v1/settings", "{\"timeZone\":\"Europe/Paris\"}",
            "Authorization", broken.bearer());
        assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(200);
        for (String messageId : new String[] {"b-2", "b-3"}) {
          HttpResponse<String> retry = node.send("POST", "/api/v1/debugger/" + messageId + "/retry", "",
              "Authorization", broken.bearer());
          assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        }
        CrashTest.waitUntil(() -> stats(node, broken).get("failed").asInt() == 0, Duration.ofSeconds(60));
        assertThat(node.getJson("/api/v1/users/b3", "Authorization", broken.bearer()).get("id").asText()).isEqualTo("b3");
        assertThat(stats(node, broken).get("processed").asInt()).as("counted once, when first processed").isEqualTo(2);
        assertThat(stats(node, broken).get("accepted").asInt()).isEqualTo(2);
      } finally {
        node.kill();
      }
    }
  }

  private static JsonNode stats(Node node, Keys keys) {
    return node.getJson("/api/v1/stats", "Authorization", keys.bearer());
  }
}
