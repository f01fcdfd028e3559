package dev.uptake.server.processing;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import dev.uptake.store.fixtures.Backend;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events processing fails on are set aside with their error, shown as failed, counted, and
 * retried on request; every other event, of the same workspace and of others, is processed. The
 * failures are real ones, made in the data directory as an upgrade gone wrong would leave it.
 */
class QuarantineTest {

  @TempDir Path dir;

  @Test
  void workspaceWhoseSettingsNoLongerParseIsSetAsideWhileOthersAreProcessed() throws Exception {
    Keys broken;
    Keys healthy;
    try (TestServer server = TestServer.start(dir)) {
      broken = server.createWorkspace("Broken");
      healthy = server.createWorkspace("Healthy");
      server.sendProcessed(broken, Events.track("Export").user("b1"));
    }
    sql("UPDATE workspace_settings SET settings = '{\"timeZone\": 42' WHERE workspace_id ="
        + " (SELECT id FROM workspaces WHERE public_id = ?)", broken.workspace());
    sql("INSERT INTO workspace_settings (workspace_id, settings) SELECT id, '{\"timeZone\": 42'"
        + " FROM workspaces WHERE public_id = ? ON CONFLICT DO NOTHING", broken.workspace());
    try (TestServer server = TestServer.start(dir)) {
      send(server, broken, Events.track("Export").user("b2").messageId("b-2"), Events.track("Open").user("b3").messageId("b-3"));
      server.sendProcessed(healthy, Events.track("Export").user("h1"));

      assertThat(server.get("/api/v1/users/h1", "Authorization", healthy.bearer()).statusCode()).isEqualTo(200);
      JsonNode failed = server.debugger(broken, "failed");
      assertThat(failed).extracting(e -> e.get("messageId").asText()).containsExactlyInAnyOrder("b-2", "b-3");
      assertThat(failed.get(0).get("status").asText()).isEqualTo("failed");
      assertThat(failed.get(0).get("reasons").get(0).get("field").asText()).isEqualTo("processing");
      assertThat(failed.get(0).get("reasons").get(0).get("reason").asText()).contains("settings");
      assertThat(server.stats(broken).get("failed").asInt()).isEqualTo(2);
      assertThat(server.stats(healthy).get("failed").asInt()).isZero();
      assertThat(server.get("/metrics").body()).contains("uptake_processing_quarantined 2.0");

      HttpResponse<String> fixed = server.put("/api/v1/settings", "{\"timeZone\":\"Europe/Paris\"}",
          "Authorization", broken.bearer());
      assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(200);
      for (String messageId : List.of("b-2", "b-3")) {
        HttpResponse<String> retry = server.post("/api/v1/debugger/" + messageId + "/retry", "",
            "Authorization", broken.bearer());
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        assertThat(json(retry).get("status").asText()).isEqualTo("retrying");
      }
      await(() -> server.stats(broken).get("failed").asInt() == 0);
      assertThat(server.get("/api/v1/users/b3", "Authorization", broken.bearer()).statusCode()).isEqualTo(200);
      assertThat(server.debugger(broken, "failed")).isEmpty();
      assertThat(server.stats(broken).get("processed").asInt()).isEqualTo(3);
    }
  }

  @Test
  void eventOfATypeThisVersionDoesNotKnowIsSetAsideAndTheRestOfItsBatchIsProcessed() throws Exception {
    Keys keys;
    try (TestServer server = TestServer.start(dir)) {
      keys = server.createWorkspace("Acme");
      send(server, keys, Events.track("Export").user("u1"));
    }
    sql("INSERT INTO events (seq, workspace_id, message_id, type, user_id, event_time, received_at, payload)"
        + " SELECT seq + 1, workspace_id, 'from-the-future', 'hologram', 'u9', event_time, received_at, '{}'"
        + " FROM events ORDER BY seq DESC LIMIT 1");
    try (TestServer server = TestServer.start(dir)) {
      send(server, keys, Events.track("Open").user("u2"));
      await(() -> server.stats(keys).get("processed").asInt() == 3);

      assertThat(server.get("/api/v1/users/u1", "Authorization", keys.bearer()).statusCode()).isEqualTo(200);
      assertThat(server.get("/api/v1/users/u2", "Authorization", keys.bearer()).statusCode()).isEqualTo(200);
      JsonNode failed = server.debugger(keys, "failed");
      assertThat(failed).hasSize(1);
      assertThat(failed.get(0).get("messageId").asText()).isEqualTo("from-the-future");
      assertThat(failed.get(0).get("reasons").get(0).get("reason").asText()).contains("'hologram'");

      assertThat(server.post("/api/v1/debugger/from-the-future/retry", "", "Authorization", keys.bearer()).statusCode())
          .isEqualTo(202);
      await(() -> attempts("from-the-future") == 2);
      assertThat(server.debugger(keys, "failed")).hasSize(1);
      assertThat(server.stats(keys).get("failed").asInt()).isEqualTo(1);
    }
  }

  @Test
  void retryAnswersWhatItFound() {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      Keys other = server.createWorkspace("Other");
      server.sendProcessed(keys, Events.track("Export").messageId("fine"));

      HttpResponse<String> notFailed = server.post("/api/v1/debugger/fine/retry", "", "Authorization", keys.bearer());
      assertThat(notFailed.statusCode()).isEqualTo(409);
      assertThat(json(notFailed).get("field").asText()).isEqualTo("messageId");
      assertThat(json(notFailed).get("reason").asText()).contains("not failed");
      HttpResponse<String> unknown = server.post("/api/v1/debugger/nope/retry", "", "Authorization", keys.bearer());
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(server.post("/api/v1/debugger/fine/retry", "", "Authorization", other.bearer()).statusCode())
          .isEqualTo(404);
      assertThat(server.post("/api/v1/debugger/fine/retry", "").statusCode()).isEqualTo(401);
    }
  }

  private static void send(TestServer server, Keys keys, Events... events) {
    StringBuilder body = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < events.length; i++) {
      body.append(i == 0 ? "" : ",").append(events[i].json());
    }
    HttpResponse<String> response = server.post("/v1/batch", body.append("]}").toString(), "Authorization", keys.basicWriteKey());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    server.awaitProcessed(keys);
  }

  private int attempts(String messageId) {
    List<Integer> found = new ArrayList<>();
    try (Connection connection = Backend.ofRun().connect(dir);
        PreparedStatement query = connection.prepareStatement("SELECT attempts FROM quarantine WHERE message_id = ?")) {
      query.setString(1, messageId);
      var rows = query.executeQuery();
      while (rows.next()) {
        found.add(rows.getInt(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return found.isEmpty() ? 0 : found.get(0);
  }

  /** Changes the store with the server stopped, as an operator's SQL shell or an older version would. */
  private void sql(String statement, Object... parameters) throws SQLException {
    try (Connection connection = Backend.ofRun().connect(dir);
        PreparedStatement update = connection.prepareStatement(statement)) {
      for (int i = 0; i < parameters.length; i++) {
        update.setObject(i + 1, parameters[i]);
      }
      update.execute();
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within 30 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
