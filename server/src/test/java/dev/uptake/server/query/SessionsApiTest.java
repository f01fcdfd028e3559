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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsApiTest {

  @TempDir Path dir;
  TestServer server;
  Keys keys;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    keys = server.createWorkspace("Acme");
  }

  @AfterEach
  void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  void send(Events... events) {
    StringBuilder body = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < events.length; i++) {
      body.append(i == 0 ? "" : ",").append(events[i].json());
    }
    assertThat(server.post("/v1/batch", body.append("]}").toString(), "Authorization", keys.basicWriteKey()).statusCode()).isEqualTo(200);
    server.awaitProcessed(keys);
  }

  JsonNode get(String path) {
    HttpResponse<String> response = server.get(path, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    return json(response);
  }

  @Test
  void sessionsListTheirTimeModulesAndWhetherTheyAreOpen() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant old = now.minus(2, ChronoUnit.HOURS);
    send(
        Events.track("Open").account("acme").session("s-old").at(old.toString()).module("Reports"),
        Events.track("Export").account("acme").session("s-old").at(old.plusSeconds(600).toString()),
        Events.track("Open").account("acme").session("s-now").at(now.minusSeconds(60).toString()).module("Dashboard"),
        Events.track("Share").session("s-now").at(now.toString()));

    JsonNode sessions = get("/api/v1/accounts/acme/sessions").get("sessions");
    assertThat(sessions).hasSize(2);
    JsonNode recent = sessions.get(0);
    assertThat(recent.get("sessionKey").asText()).isEqualTo("s-now");
    assertThat(recent.get("userId").asText()).isEqualTo("u1");
    assertThat(recent.get("accountId").asText()).isEqualTo("acme");
    assertThat(recent.get("durationSeconds").asDouble()).isEqualTo(60.0);
    assertThat(recent.get("activeSeconds").asDouble()).isEqualTo(60.0);
    assertThat(recent.get("events").asInt()).isEqualTo(2);
    assertThat(recent.get("open").asBoolean()).isTrue();
    assertThat(recent.at("/modules/Dashboard/durationSeconds").asDouble()).isEqualTo(60.0);

    JsonNode earlier = sessions.get(1);
    assertThat(earlier.get("open").asBoolean()).isFalse();
    assertThat(earlier.get("durationSeconds").asDouble()).isEqualTo(600.0);
    assertThat(earlier.get("activeSeconds").asDouble()).as("capped at the idle threshold").isEqualTo(300.0);
    assertThat(earlier.get("start").asText()).isEqualTo(old.toString());

    assertThat(get("/api/v1/users/u1/sessions").get("sessions")).hasSize(2);
  }

  @Test
  void lateEventMergesTwoSessionsIntoOne() {
    send(Events.track("A").account("acme").at("2024-05-01T10:00:00Z"), Events.track("B").account("acme").at("2024-05-01T10:50:00Z"));
    String range = "?from=2024-05-01&to=2024-05-01";
    assertThat(get("/api/v1/accounts/acme/sessions" + range).get("sessions")).hasSize(2);
    assertThat(get("/api/v1/accounts/acme/usage" + range).get("sessions").asInt()).isEqualTo(2);
    send(Events.track("C").account("acme").at("2024-05-01T10:25:00Z"));
    JsonNode sessions = get("/api/v1/accounts/acme/sessions" + range).get("sessions");
    assertThat(sessions).singleElement().satisfies(s -> assertThat(s.get("durationSeconds").asDouble()).isEqualTo(3000.0));
    JsonNode usage = get("/api/v1/accounts/acme/usage" + range);
    assertThat(usage.get("sessions").asInt()).isEqualTo(1);
    assertThat(usage.get("durationSeconds").asDouble()).isEqualTo(3000.0);
    assertThat(usage.get("activeSeconds").asDouble()).isEqualTo(600.0);
  }

  @Test
  void usageListsEveryDayOfTheRange() {
    send(Events.track("A").account("acme").at("2024-05-02T10:00:00Z"));
    JsonNode usage = get("/api/v1/accounts/acme/usage?from=2024-05-01&to=2024-05-03");
    assertThat(usage.get("days")).extracting(d -> d.get("day").asText()).containsExactly("2024-05-01", "2024-05-02", "2024-05-03");
    assertThat(usage.get("days").get(1).get("events").asInt()).isEqualTo(1);
    assertThat(usage.get("days").get(0).get("events").asInt()).isZero();
  }

  @Test
  void defaultRangeIsTheLast30DaysEndingToday() {
    send(Events.track("A").account("acme").at(Instant.now().toString()));
    JsonNode usage = get("/api/v1/accounts/acme/usage");
    assertThat(usage.get("to").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
    assertThat(usage.get("days")).hasSize(30);
    assertThat(usage.get("events").asInt()).isEqualTo(1);
  }

  @Test
  void badRangesAre400AndUnknownIdsAre404() {
    send(Events.track("A").account("acme").at("2024-05-02T10:00:00Z"));
    assertThat(json(server.get("/api/v1/accounts/acme/usage?from=2024-05-03&to=2024-05-01", "Authorization", keys.bearer())).get("field").asText())
        .isEqualTo("from");
    assertThat(json(server.get("/api/v1/accounts/acme/usage?to=May", "Authorization", keys.bearer())).get("field").asText())
        .isEqualTo("to");
    assertThat(server.get("/api/v1/accounts/acme/usage?from=2020-01-01&to=2024-01-01", "Authorization", keys.bearer()).statusCode())
        .isEqualTo(400);
    assertThat(server.get("/api/v1/accounts/nope/usage", "Authorization", keys.bearer()).statusCode()).isEqualTo(404);
    assertThat(server.get("/api/v1/users/nope/sessions", "Authorization", keys.bearer()).statusCode()).isEqualTo(404);
    Keys other = server.createWorkspace("Other");
    assertThat(server.get("/api/v1/accounts/acme/usage", "Authorization", other.bearer()).statusCode()).isEqualTo(404);
  }
}
