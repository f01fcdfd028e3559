package dev.uptake.server.query;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a workspace admin sees of what arrived: counts, and the latest events with reasons. */
class StatsAndDebuggerTest {

  @TempDir static Path dir;
  static TestServer server;
  static Keys acme;
  static Keys globex;

  @BeforeAll
  static void sendTraffic() {
    server = TestServer.start(dir);
    acme = server.createWorkspace("Acme");
    globex = server.createWorkspace("Globex");
    String now = Instant.now().toString();
    String body =
        "{\"batch\":["
            + Events.track("Export").at(now).messageId("e1").json() + ","
            + Events.track("Export").at(now).messageId("e1").json() + ","
            + Events.track("Import").at(now).messageId("e2").set("groupId", false).json() + ","
            + Events.track("Oops").at(now).messageId("e3").without("userId").json() + "]}";
    server.post("/v1/batch", body, "Authorization", acme.basicWriteKey());
    server.post("/v1/batch", "{\"batch\":[", "Authorization", acme.basicWriteKey());
    server.post("/v1/track", Events.track("Other").at(now).messageId("g1").json(), "Authorization", globex.basicWriteKey());
  }

  @AfterAll
  static void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  @Test
  void statsCountEveryOutcome() {
    server.awaitProcessed(acme);
    JsonNode stats = server.stats(acme);
    assertThat(stats.get("workspace").asText()).isEqualTo(acme.workspace());
    assertThat(stats.get("received").asLong()).isEqualTo(5);
    assertThat(stats.get("accepted").asLong()).isEqualTo(2);
    assertThat(stats.get("duplicates").asLong()).isEqualTo(1);
    assertThat(stats.get("rejected").asLong()).isEqualTo(2);
    assertThat(stats.get("warnings").asLong()).isEqualTo(1);
    assertThat(stats.get("processed").asLong()).isEqualTo(2);
    assertThat(Instant.parse(stats.get("lastEventAt").asText())).isBefore(Instant.now().plusSeconds(1));
  }

  @Test
  void metricsShowTheWritersGroupsAndProcessing() {
    server.awaitProcessed(acme);
    server.awaitProcessed(globex);
    String metrics = server.get("/metrics").body();
    assertThat(metric(metrics, "uptake_eventlog_group_requests_total")).as("every append, the refused body's record too")
        .isEqualTo(3);
    assertThat(metric(metrics, "uptake_eventlog_groups_total")).isBetween(1.0, 3.0);
    assertThat(metric(metrics, "uptake_eventlog_queue")).isZero();
    assertThat(metric(metrics, "uptake_processing_events_total")).isEqualTo(3);
    assertThat(metric(metrics, "uptake_processing_quarantined")).isZero();
  }

  static double metric(String metrics, String name) {
    return metrics.lines().filter(line -> line.startsWith(name + " ")).findFirst()
        .map(line -> Double.parseDouble(line.substring(name.length() + 1)))
        .orElseThrow(() -> new AssertionError(name + " is not in /metrics"));
  }

  @Test
  void debuggerShowsRejectionsWithFieldReasonAndPayload() {
    JsonNode rejected = server.debugger(acme, "rejected");
    assertThat(rejected).hasSize(2);
    JsonNode malformed = rejected.get(0);
    assertThat(malformed.at("/reasons/0/field").asText()).isEqualTo("body");
    assertThat(malformed.at("/reasons/0/reason").asText()).contains("malformed JSON at line 1");
    JsonNode missingUser = rejected.get(1);
    assertThat(missingUser.get("status").asText()).isEqualTo("rejected");
    assertThat(missingUser.get("messageId").asText()).isEqualTo("e3");
    assertThat(missingUser.get("index").asInt()).isEqualTo(3);
    assertThat(missingUser.at("/reasons/0/field").asText()).isEqualTo("userId");
    assertThat(missingUser.at("/payload/event").asText()).isEqualTo("Oops");
  }

  @Test
  void debuggerShowsWarningsOnAcceptedEvents() {
    JsonNode warned = server.debugger(acme, "warning");
    assertThat(warned).singleElement().satisfies(entry -> {
      assertThat(entry.get("status").asText()).isEqualTo("warning");
      assertThat(entry.get("messageId").asText()).isEqualTo("e2");
      assertThat(entry.at("/reasons/0/field").asText()).isEqualTo("groupId");
    });
  }

  @Test
  void debuggerShowsAcceptedEventsNewestFirstWithTheirPayload() {
    JsonNode accepted = server.debugger(acme, "accepted");
    assertThat(accepted).hasSize(2);
    assertThat(accepted.get(0).get("messageId").asText()).isEqualTo("e2");
    assertThat(accepted.get(1).get("messageId").asText()).isEqualTo("e1");
    assertThat(accepted.get(1).at("/payload/event").asText()).isEqualTo("Export");
    assertThat(accepted.get(1).get("eventTime").asText()).isNotEmpty();
  }

  @Test
  void unfilteredDebuggerHoldsEverything() {
    assertThat(server.debugger(acme, null)).hasSize(4);
  }

  @Test
  void limitCapsTheList() {
    HttpResponse<String> response = server.get("/api/v1/debugger?limit=1", "Authorization", acme.bearer());
    assertThat(json(response).get("events")).hasSize(1);
  }

  @Test
  void aWorkspaceSeesOnlyItsOwnData() {
    assertThat(server.stats(globex).get("accepted").asLong()).isEqualTo(1);
    assertThat(server.debugger(globex, null)).singleElement()
        .satisfies(entry -> assertThat(entry.get("messageId").asText()).isEqualTo("g1"));
  }

  @Test
  void missingOrWrongAdminTokenIs401() {
    assertThat(server.get("/api/v1/stats").statusCode()).isEqualTo(401);
    assertThat(server.get("/api/v1/stats", "Authorization", "Bearer us_adm_nope").statusCode()).isEqualTo(401);
    assertThat(server.get("/api/v1/debugger", "Authorization", acme.basicWriteKey()).statusCode()).isEqualTo(401);
  }

  @Test
  void badParametersAre400NamingTheParameter() {
    HttpResponse<String> status = server.get("/api/v1/debugger?status=lost", "Authorization", acme.bearer());
    assertThat(status.statusCode()).isEqualTo(400);
    assertThat(json(status).get("field").asText()).isEqualTo("status");
    HttpResponse<String> limit = server.get("/api/v1/debugger?limit=0", "Authorization", acme.bearer());
    assertThat(limit.statusCode()).isEqualTo(400);
    assertThat(json(limit).get("field").asText()).isEqualTo("limit");
  }
}
