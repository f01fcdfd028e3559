package dev.uptake.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.store.fixtures.Backend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uptake migrate} moves an embedded installation with real traffic into PostgreSQL, and
 * every query route then answers exactly as it did before, in JSON and CSV; members still sign in.
 */
class MigrateCommandTest {

  static final TestClock CLOCK = new TestClock(Instant.parse("2024-06-15T12:00:00Z"));

  @TempDir Path dir;

  @Test
  void everyApiAnswerIsTheSameAfterTheMove() {
    Path embedded = dir.resolve("embedded");
    Keys keys;
    Map<String, String> before;
    try (TestServer server = TestServer.start(Backend.SQLITE, embedded, CLOCK)) {
      keys = server.createWorkspace("Acme Analytics");
      HttpResponse<String> settings = server.put("/api/v1/settings", "{\"tiers\":[\"Gold\",\"Silver\"],"
          + "\"dimensions\":[{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"}]}",
          "Authorization", keys.bearer());
      assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
      HttpResponse<String> health = server.put("/api/v1/health", "{\"profiles\":[{\"name\":\"Gold\",\"when\":"
          + "{\"tier\":[\"Gold\"]},\"seatsDimension\":\"seats\",\"groups\":[{\"name\":\"Use\",\"measures\":"
          + "[{\"metric\":\"seatUtilization\",\"zeroAt\":0,\"fullAt\":80}]}]}]}", "Authorization", keys.bearer());
      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
      traffic(server, keys);
      before = answers(server, keys);
    }

    Path moved = dir.resolve("postgresql");
    Backend.POSTGRESQL.startEmpty(moved); // as `uptake migrate` asks: CREATE DATABASE uptake
    List<String> target = Backend.POSTGRESQL.args(moved);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("migrate", "--data", embedded.toString(), target.get(0), target.get(1));
    assertThat(code).as(err.toString()).isZero();
    JsonNode summary = parse(out.toString());
    assertThat(summary.get("workspaces").asInt()).isEqualTo(1);
    assertThat(summary.get("events").asInt()).isEqualTo(9);
    assertThat(summary.get("rejections").asInt()).isEqualTo(1);
    assertThat(err.toString()).as("progress").contains("rows");

    try (TestServer server = TestServer.start(Backend.POSTGRESQL, moved, CLOCK)) {
      server.awaitProcessed(keys);
      assertThat(answers(server, keys)).isEqualTo(before);
      dev.uptake.server.web.WebClient browser = new dev.uptake.server.web.WebClient(server);
      browser.signIn(keys.adminEmail(), keys.adminPassword());
      assertThat(browser.get("/accounts/acme").statusCode()).isEqualTo(200);
    }

    int again = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
        .execute("migrate", "--data", embedded.toString(), target.get(0), target.get(1));
    assertThat(again).isEqualTo(1);
    assertThat(err.toString()).contains("already holds Uptake's workspaces", "moves into an empty database only");
  }

  private static JsonNode parse(String json) {
    try {
      return TestServer.JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(json, e);
    }
  }

  /** Users, accounts with traits and dimensions, sessions in two modules over three days, a duplicate and a rejection. */
  private static void traffic(TestServer server, Keys keys) {
    server.sendProcessed(keys,
        Events.identify().user("u1").set("traits.email", "ada@acme.test").set("traits.name", "Ada").at("2024-06-10T08:59:00Z"),
        Events.group("acme").user("u1").set("traits.name", "Acme").set("traits.tier", "Gold").set("traits.seats", 40)
            .set("traits.createdAt", "2023-01-01T00:00:00Z").at("2024-06-10T08:59:30Z"),
        Events.group("acme").user("u2").at("2024-06-11T10:00:00Z"),
        Events.track("Open").user("u1").module("Reports").at("2024-06-10T09:00:00Z").messageId("open-1"),
        Events.track("Export").user("u1").module("Reports").at("2024-06-10T09:03:00Z"),
        Events.track("Open").user("u1").module("Dashboard").at("2024-06-12T09:04:00Z"),
        Events.track("Open").user("u2").module("Reports").account("acme").at("2024-06-11T10:01:00Z"),
        Events.page("Home").user("u3").at("2024-06-13T15:00:00Z"),
        Events.track("Open").user("u1").module("Reports").at("2024-06-10T09:00:00Z").messageId("open-1"));
    HttpResponse<String> rejected = server.post("/v1/track", "{\"type\":\"track\",\"userId\":\"u9\"}",
        "Authorization", keys.basicWriteKey());
    assertThat(rejected.statusCode()).isEqualTo(400);
    server.sendProcessed(keys, Events.track("Close").user("u2").module("Reports").at("2024-06-14T11:00:00Z"));
  }

  /** What every registered query route answers, in JSON and in CSV, for the ids of the traffic. */
  private static Map<String, String> answers(TestServer server, Keys keys) {
    Map<String, String> answers = new LinkedHashMap<>();
    List<String> routes = new ArrayList<>(server.routes().stream()
        .filter(route -> route.startsWith("GET /api/v1/"))
        .map(route -> route.substring("GET ".length()))
        .toList());
    routes.add("/api/v1/events?userId=u1");
    routes.add("/api/v1/accounts?sort=activeSeconds30d&order=desc");
    for (String route : routes) {
      String path = route.replace("{id}", route.startsWith("/api/v1/users/") ? "u1" : "acme");
      for (String accept : List.of("application/json", "text/csv")) {
        HttpResponse<String> response = server.get(path, "Authorization", keys.bearer(), "Accept", accept);
        answers.put(path + " " + accept, response.statusCode() + " " + response.body());
      }
    }
    assertThat(answers).hasSizeGreaterThan(20);
    assertThat(answers.get("/api/v1/health application/json")).as("the health model moves too").contains("seatUtilization");
    return answers;
  }
}
