package dev.uptake.server.query;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An account's users, modules and features, on a fixture worked out by hand. Now is 2024-06-15
 * 12:00 UTC. acme has three users; on 06-10 u1 opens Reports, exports 3 minutes later, and opens
 * Dashboard a minute after that (Reports gets 180 + 60 s active, Dashboard none); on 06-12 u2 opens
 * Reports; u3 does nothing.
 */
class AccountDetailTest {

  @TempDir Path dir;
  TestServer server;
  Keys keys;

  @BeforeEach
  void workspace() {
    server = TestServer.start(dir, new TestClock(Instant.parse("2024-06-15T12:00:00Z")));
    keys = server.createWorkspace("Acme Analytics");
    server.sendProcessed(keys, group("acme", "u1"), group("acme", "u2"), group("acme", "u3"),
        track("u1", "Open", "Reports", "2024-06-10T09:00:00Z"), track("u1", "Export", "Reports", "2024-06-10T09:03:00Z"),
        track("u1", "Open", "Dashboard", "2024-06-10T09:04:00Z"), track("u2", "Open", "Reports", "2024-06-12T10:00:00Z"));
  }

  @AfterEach
  void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  @Test
  void usersAreRankedByActiveTimeWithTheirFigures() {
    JsonNode users = get("/api/v1/accounts/acme/users").get("users");
    assertThat(users).extracting(u -> u.get("id").asText(), u -> u.get("rank").asInt(), u -> u.get("activeSeconds30d").asDouble(),
            u -> u.get("sessions30d").asInt(), u -> u.get("daysActive30d").asInt())
        .containsExactly(tuple("u1", 1, 240.0, 1, 1), tuple("u2", 2, 0.0, 1, 1), tuple("u3", 2, 0.0, 0, 0));
    assertThat(users.get(1).get("lastSeenAt").asText()).isEqualTo("2024-06-12T10:00:00Z");
  }

  @Test
  void theAccountPageRanksUsersAsTheApiDoes() {
    dev.uptake.server.web.WebClient browser = new dev.uptake.server.web.WebClient(server);
    browser.signIn(keys.adminEmail(), keys.adminPassword());
    String page = browser.get("/accounts/acme?from=2024-06-12&to=2024-06-14").body(); // the charts' range, not the users'
    java.util.regex.Matcher rows = java.util.regex.Pattern.compile(
        "<tr data-user-id=\"([^\"]+)\"><td class=\"num\">(\\d+)</td>.*?<td class=\"num\">([^<]+)</td>",
        java.util.regex.Pattern.DOTALL).matcher(page);
    List<String> shown = new java.util.ArrayList<>();
    while (rows.find()) {
      shown.add(rows.group(1) + " " + rows.group(2) + " " + rows.group(3));
    }
    List<String> api = new java.util.ArrayList<>();
    get("/api/v1/accounts/acme/users").get("users").forEach(u -> api.add(u.get("id").asText() + " " + u.get("rank").asInt()
        + " " + readable(u.get("activeSeconds30d").asDouble())));
    assertThat(shown).isEqualTo(api).containsExactly("u1 1 4 min", "u2 2 0 s", "u3 2 0 s");
    assertThat(page).contains("30 days ending 2024-06-14");
  }

  /** A duration as the pages write it: seconds under a minute, minutes under an hour, then hours and minutes. */
  static String readable(double seconds) {
    long total = Math.round(seconds);
    return total < 60 ? total + " s" : total < 3600 ? total / 60 + " min"
        : total / 3600 + " h " + String.format("%02d", total % 3600 / 60) + " min";
  }

  @Test
  void modulesCountUsersNonUsersTimeAndLastUse() {
    JsonNode modules = get("/api/v1/accounts/acme/modules?from=2024-06-01&to=2024-06-14").get("modules");
    assertThat(modules).extracting(m -> m.get("module").asText(), m -> m.get("users").asInt(), m -> m.get("nonUsers").asInt(),
            m -> m.get("activeSeconds").asDouble(), m -> m.get("events").asInt(), m -> m.get("lastUsed").asText())
        .containsExactly(tuple("Dashboard", 1, 2, 0.0, 1, "2024-06-10"), tuple("Reports", 2, 1, 240.0, 3, "2024-06-12"));
    assertThat(get("/api/v1/accounts/acme/modules?from=2024-06-11&to=2024-06-14").get("modules"))
        .extracting(m -> m.get("module").asText(), m -> m.get("users").asInt(), m -> m.get("nonUsers").asInt())
        .containsExactly(tuple("Reports", 1, 2));
  }

  @Test
  void featuresCountAdoptionAmongTheActiveUsers() {
    JsonNode features = get("/api/v1/accounts/acme/features?from=2024-06-01&to=2024-06-14").get("features");
    assertThat(features).extracting(f -> f.get("module").asText(), f -> f.get("feature").asText(), f -> f.get("users").asInt(),
            f -> f.get("nonUsers").asInt(), f -> f.get("events").asInt(), f -> f.get("lastUsed").asText(),
            f -> f.get("adoption").asDouble())
        .containsExactly(
            tuple("Dashboard", "Open", 1, 2, 1, "2024-06-10", 0.5),
            tuple("Reports", "Export", 1, 2, 1, "2024-06-10", 0.5),
            tuple("Reports", "Open", 2, 1, 2, "2024-06-12", 1.0));
    JsonNode quiet = get("/api/v1/accounts/acme/features?from=2024-05-01&to=2024-05-31");
    assertThat(quiet.get("features")).isEmpty();
    assertThat(quiet.get("from").asText()).isEqualTo("2024-05-01");
  }

  @Test
  void eachListReadsBackFromCsvAsItsJson() throws Exception {
    for (String list : List.of("users", "modules?from=2024-06-01&to=2024-06-14", "features?from=2024-06-01&to=2024-06-14")) {
      String path = "/api/v1/accounts/acme/" + list;
      String name = list.replaceAll("\\?.*", "");
      JsonNode rows = get(path).get(name);
      HttpResponse<String> csv = server.get(path, "Authorization", keys.bearer(), "Accept", "text/csv");
      assertThat(csv.statusCode()).isEqualTo(200);
      List<Map<String, String>> read = Csv.read(csv.body());
      assertThat(read).as(list).hasSize(rows.size());
      for (int i = 0; i < read.size(); i++) {
        JsonNode row = rows.get(i);
        List<String> columns = new ArrayList<>();
        row.fieldNames().forEachRemaining(columns::add);
        for (String column : columns) {
          if (row.get(column).isValueNode()) {
            assertThat(read.get(i).get(column)).as(list + " " + column).isEqualTo(row.get(column).isNull() ? "" : row.get(column).asText());
          }
        }
      }
    }
  }

  @Test
  void anUnknownAccountOrRangeIsRefused() {
    assertThat(server.get("/api/v1/accounts/nope/modules", "Authorization", keys.bearer()).statusCode()).isEqualTo(404);
    HttpResponse<String> response =
        server.get("/api/v1/accounts/acme/features?from=2024-06-14&to=2024-06-01", "Authorization", keys.bearer());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("field").asText()).isEqualTo("from");
    response = server.get("/api/v1/accounts/acme/users?format=xml", "Authorization", keys.bearer());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("field").asText()).isEqualTo("format");
  }

  private JsonNode get(String path) {
    HttpResponse<String> response = server.get(path, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return json(response);
  }

  private static Events group(String account, String user) {
    return Events.group(account).user(user).session(user).at("2024-04-01T00:00:00Z");
  }

  private static Events track(String user, String feature, String module, String time) {
    return Events.track(feature).user(user).session(user).at(time).module(module);
  }
}
