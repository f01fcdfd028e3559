package dev.uptake.server.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health beyond today's score, end to end: module and feature measures read the same figures as
 * the account's modules and features; the list sorts and filters by health; each day's score is
 * kept as history under its model version, the trend compares with a week before, a changed
 * model starts a new history; the preview scores past days from stored events, as an independent
 * count of the traffic's sessions says they were.
 */
class HealthHistoryTest {

  static final Instant T0 = Instant.parse("2024-06-15T12:00:00Z");
  static final String MODEL = "{\"profiles\":[{\"name\":\"All\",\"groups\":[{\"name\":\"Activity\",\"measures\":"
      + "[{\"metric\":\"sessions30d\",\"zeroAt\":0,\"fullAt\":10}]},{\"name\":\"Depth\",\"measures\":[{\"metric\":"
      + "\"moduleActiveSeconds30d.Reports\",\"zeroAt\":0,\"fullAt\":600},{\"metric\":\"featureUsers30d.Export\","
      + "\"zeroAt\":0,\"fullAt\":2}]}]}]}";
  static final String SESSIONS_MODEL = "{\"profiles\":[{\"name\":\"All\",\"groups\":[{\"name\":\"Activity\",\"measures\":"
      + "[{\"metric\":\"sessions30d\",\"zeroAt\":0,\"fullAt\":10}]}]}]}";

  @TempDir Path dir;

  /** Each account's sessions by the day they started: what the preview's expected scores are counted from. */
  private final Map<String, Map<LocalDate, Set<String>>> sessions = new HashMap<>();

  @Test
  void healthIsSortedFilteredKeptPerDayAndPreviewedFromStoredEvents() throws Exception {
    TestClock clock = new TestClock(T0);
    try (TestServer server = TestServer.start(dir, clock)) {
      Keys keys = server.createWorkspace("Acme");
      List<Events> traffic = new ArrayList<>(List.of(group("acme"), group("initech"), group("globex"), group("gone")));
      // acme: Reports for 5 minutes on three days by a1, Export by a1 and a2.
      for (int day : List.of(3, 5, 9)) {
        traffic.add(visit("acme", "a1", day, "Reports", "Open"));
        traffic.add(visit("acme", "a1", day, "Reports", "Export").at(at(day, "09:05")));
      }
      traffic.add(visit("acme", "a2", 4, "Admin", "Export"));
      traffic.add(visit("initech", "i1", 20, "Admin", "Open"));
      for (int day = 20; day <= 29; day++) { // a week later, six of these ten sessions are past the 30 days
        traffic.add(visit("globex", "g1", day, "Admin", "Open"));
      }
      for (int day = 30; day <= 40; day++) {
        traffic.add(visit("gone", "x1", day, "Admin", "Open"));
      }
      traffic.add(Events.group("gone").user("admin-gone").set("traits.is_churned", true).at("2024-06-01T00:00:00Z"));
      // Every event is activity: the group call is a session of its own.
      sessions.get("gone").computeIfAbsent(LocalDate.of(2024, 6, 1), d -> new HashSet<>()).add("admin-gone");
      server.sendProcessed(keys, traffic.toArray(Events[]::new));
      ok(server.put("/api/v1/health", MODEL, "Authorization", keys.bearer()));

      JsonNode acme = account(server, keys, "acme");
      assertThat(measure(acme, "moduleActiveSeconds30d.Reports"))
          .isEqualTo(row(server, keys, "/api/v1/accounts/acme/modules?from=2024-05-15&to=2024-06-14", "module", "Reports")
              .get("activeSeconds").asDouble())
          .isPositive();
      // Export was used in two modules, by a different user in each: the account's feature rows count them apart.
      HttpResponse<String> features = server.get("/api/v1/accounts/acme/features?from=2024-05-15&to=2024-06-14",
          "Authorization", keys.bearer());
      double exportUsers = 0;
      for (JsonNode row : TestServer.json(features).get("features")) {
        exportUsers += row.get("feature").asText().equals("Export") ? row.get("users").asDouble() : 0;
      }
      assertThat(measure(acme, "featureUsers30d.Export")).isEqualTo(2.0).isEqualTo(exportUsers);

      JsonNode byHealth = list(server, keys, "sort=health&order=desc");
      List<Double> scores = new ArrayList<>();
      byHealth.forEach(account -> scores.add(account.at("/health/score").asDouble()));
      assertThat(scores).isSortedAccordingTo((a, b) -> Double.compare(b, a));
      for (String band : List.of("red", "yellow", "green")) {
        JsonNode filtered = list(server, keys, "healthBand=" + band);
        long expected = 0;
        for (JsonNode account : byHealth) {
          expected += account.at("/health/band").asText().equals(band) ? 1 : 0;
        }
        assertThat(filtered).hasSize((int) expected);
        filtered.forEach(account -> assertThat(account.at("/health/band").asText()).isEqualTo(band));
      }
      HttpResponse<String> badBand = server.get("/api/v1/accounts?healthBand=purple", "Authorization", keys.bearer());
      assertThat(badBand.statusCode()).isEqualTo(400);
      assertThat(TestServer.json(badBand).get("field").asText()).isEqualTo("healthBand");

      // A score follows an event at once: initech seen today.
      double before = account(server, keys, "initech").at("/health/score").asDouble();
      server.sendProcessed(keys, visit("initech", "i1", 0, "Admin", "Open").at("2024-06-15T11:00:00Z"));
      assertThat(account(server, keys, "initech").at("/health/score").asDouble()).isEqualTo(before);
      assertThat(account(server, keys, "initech").get("lastSeenAt").asText()).isEqualTo("2024-06-15T11:00:00Z");

      // History: today's score is kept by the watch; a week later the trend compares with it.
      server.awaitWatchPass();
      double globexThen = account(server, keys, "globex").at("/health/score").asDouble();
      clock.advance(Duration.ofDays(7));
      JsonNode globex = account(server, keys, "globex");
      assertThat(globex.at("/health/trend").asDouble())
          .isCloseTo(globex.at("/health/score").asDouble() - globexThen, within(0.05))
          .isNegative();
      JsonNode history = history(server, keys, "globex", "from=2024-06-10&to=2024-06-22");
      assertThat(history.get("version").asInt()).isEqualTo(1);
      assertThat(history.get("days")).hasSize(2);
      assertThat(history.at("/days/0/date").asText()).isEqualTo("2024-06-15");
      assertThat(history.at("/days/0/score").asDouble()).isEqualTo(globexThen);
      assertThat(history.at("/days/1/date").asText()).isEqualTo("2024-06-22");
      assertThat(history.at("/days/1/score").asDouble()).isEqualTo(globex.at("/health/score").asDouble());

      // A changed model starts a new history; the old one stays readable.
      ok(server.put("/api/v1/health", SESSIONS_MODEL, "Authorization", keys.bearer()));
      assertThat(account(server, keys, "globex").at("/health/trend").isNull()).isTrue();
      JsonNode second = history(server, keys, "globex", "from=2024-06-10&to=2024-06-22");
      assertThat(second.get("version").asInt()).isEqualTo(2);
      assertThat(second.get("days")).hasSize(1);
      JsonNode first = history(server, keys, "globex", "from=2024-06-10&to=2024-06-22&version=1");
      assertThat(first.at("/days/0/date").asText()).isEqualTo("2024-06-15");
      assertThat(first.at("/days/0/score").asDouble()).isEqualTo(globexThen);
      assertThat(server.get("/api/v1/accounts/globex/health?version=9", "Authorization", keys.bearer()).statusCode())
          .isEqualTo(400);
      assertThat(server.get("/api/v1/accounts/nobody/health", "Authorization", keys.bearer()).statusCode()).isEqualTo(404);

      // The preview: each day's score from the sessions of the 30 days before it, counted here.
      String saved = server.get("/api/v1/health", "Authorization", keys.bearer()).body();
      HttpResponse<String> response = server.post("/api/v1/health/preview?from=2024-05-20&to=2024-06-15",
          SESSIONS_MODEL.replace("\"All\"", "\"Tried\""), "Authorization", keys.bearer());
      ok(response);
      JsonNode preview = TestServer.json(response);
      assertThat(preview.get("accounts")).hasSize(4);
      Map<LocalDate, Map<String, Integer>> bands = new HashMap<>();
      for (JsonNode account : preview.get("accounts")) {
        String id = account.get("accountId").asText();
        assertThat(account.get("days")).hasSize(27);
        for (JsonNode day : account.get("days")) {
          LocalDate date = LocalDate.parse(day.get("date").asText());
          double expected = Math.min(100, sessionsBefore(id, date) * 10.0);
          assertThat(day.get("score").asDouble()).as(id + " on " + date).isEqualTo(expected);
          bands.computeIfAbsent(date, d -> new HashMap<>()).merge(day.get("band").asText(), 1, Integer::sum);
        }
      }
      for (JsonNode day : preview.get("summary")) {
        Map<String, Integer> counted = bands.get(LocalDate.parse(day.get("date").asText()));
        for (String band : List.of("red", "yellow", "green")) {
          assertThat(day.get(band).asInt()).isEqualTo(counted.getOrDefault(band, 0));
        }
      }
      JsonNode churned = preview.get("churned");
      assertThat(churned).hasSize(1);
      assertThat(churned.at("/0/accountId").asText()).isEqualTo("gone");
      assertThat(churned.at("/0/churnedOn").asText()).isEqualTo("2024-06-01");
      assertThat(churned.at("/0/days")).hasSize(30);
      assertThat(churned.at("/0/days/29/date").asText()).isEqualTo("2024-05-31");
      assertThat(churned.at("/0/days/29/score").asDouble()).isEqualTo(Math.min(100, sessionsBefore("gone", LocalDate.of(2024, 5, 31)) * 10.0));
      assertThat(server.get("/api/v1/health", "Authorization", keys.bearer()).body()).as("nothing saved").isEqualTo(saved);
      assertThat(history(server, keys, "globex", "from=2024-06-10&to=2024-06-22").get("versions")).hasSize(2);
      HttpResponse<String> tooLong = server.post("/api/v1/health/preview?from=2024-01-01&to=2024-06-15", SESSIONS_MODEL,
          "Authorization", keys.bearer());
      assertThat(tooLong.statusCode()).isEqualTo(400);
      HttpResponse<String> badModel = server.post("/api/v1/health/preview", "{\"profiles\":[{\"name\":\"x\",\"groups\":"
          + "[{\"name\":\"g\",\"measures\":[{\"metric\":\"nope\",\"zeroAt\":0,\"fullAt\":1}]}]}]}", "Authorization", keys.bearer());
      assertThat(badModel.statusCode()).isEqualTo(400);
      assertThat(TestServer.json(badModel).get("field").asText()).isEqualTo("profiles[0].groups[0].measures[0].metric");
    }
  }

  /** Sessions that started in the 30 days ending the day before {@code day}. */
  private int sessionsBefore(String account, LocalDate day) {
    int count = 0;
    for (Map.Entry<LocalDate, Set<String>> started : sessions.getOrDefault(account, Map.of()).entrySet()) {
      if (!started.getKey().isBefore(day.minusDays(30)) && started.getKey().isBefore(day)) {
        count += started.getValue().size();
      }
    }
    return count;
  }

  /** An event {@code daysAgo} days before T0 at 09:00, in a session of its own account, user and day. */
  private Events visit(String account, String user, int daysAgo, String module, String feature) {
    String session = account + "-" + user + "-" + daysAgo;
    sessions.computeIfAbsent(account, id -> new HashMap<>())
        .computeIfAbsent(LocalDate.of(2024, 6, 15).minusDays(daysAgo), d -> new HashSet<>()).add(session);
    return Events.track(feature).user(user).account(account).session(session).module(module).at(at(daysAgo, "09:00"));
  }

  private static String at(int daysAgo, String time) {
    return LocalDate.of(2024, 6, 15).minusDays(daysAgo) + "T" + time + ":00Z";
  }

  private static Events group(String id) {
    return Events.group(id).user("admin-" + id).set("traits.name", id).at("2024-04-01T00:00:00Z");
  }

  private static JsonNode account(TestServer server, Keys keys, String id) {
    HttpResponse<String> response = server.get("/api/v1/accounts/" + id, "Authorization", keys.bearer());
    ok(response);
    return TestServer.json(response);
  }

  private static JsonNode list(TestServer server, Keys keys, String query) {
    HttpResponse<String> response = server.get("/api/v1/accounts?" + query, "Authorization", keys.bearer());
    ok(response);
    return TestServer.json(response).get("accounts");
  }

  private static JsonNode history(TestServer server, Keys keys, String id, String query) {
    HttpResponse<String> response = server.get("/api/v1/accounts/" + id + "/health?" + query, "Authorization", keys.bearer());
    ok(response);
    return TestServer.json(response);
  }

  private static double measure(JsonNode account, String metric) {
    for (JsonNode measure : account.at("/health/measures")) {
      if (measure.get("metric").asText().equals(metric)) {
        return measure.get("value").asDouble();
      }
    }
    throw new AssertionError("no measure " + metric + " in " + account.get("health"));
  }

  private static JsonNode row(TestServer server, Keys keys, String path, String key, String value) {
    HttpResponse<String> response = server.get(path, "Authorization", keys.bearer());
    ok(response);
    for (JsonNode row : TestServer.json(response).get("modules")) {
      if (row.get(key).asText().equals(value)) {
        return row;
      }
    }
    throw new AssertionError("no " + key + " " + value + " in " + response.body());
  }

  private static void ok(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
