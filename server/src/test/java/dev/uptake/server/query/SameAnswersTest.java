package dev.uptake.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.server.web.WebClient;
import dev.uptake.store.fixtures.Backend;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same requests sent to a server on the embedded store and to one on PostgreSQL, at the same
 * (test) time, get the same answers from every query route, field for field, in JSON and CSV, and
 * the same pages: users, accounts, sessions, usage, lists, events, the debugger (the workspaces'
 * random ids aside).
 */
public class SameAnswersTest {

  static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");
  static final String[] MODULES = {"Reports", "Dashboard", "Admin"};

  @org.junit.jupiter.api.io.TempDir Path dir;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2})
  void bothStoresAnswerAlike(long seed) {
    List<String> requests = requests(new Random(seed), NOW);
    Map<String, String> embedded = answers(Backend.SQLITE, dir.resolve("sqlite"), requests);
    Map<String, String> postgresql = answers(Backend.POSTGRESQL, dir.resolve("postgresql"), requests);
    assertThat(postgresql).isEqualTo(embedded);
  }

  /**
   * Batches of identify, group (with tiers and seats), track and page calls over the 20 days before
   * {@code now}, with retries and a bad event.
   */
  public static List<String> requests(Random random, Instant now) {
    List<String> requests = new ArrayList<>();
    for (int batch = 0; batch < 12; batch++) {
      List<String> events = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String user = "u" + random.nextInt(15);
        String account = "acct" + random.nextInt(6);
        Instant at = now.minusSeconds(3600L * (1 + random.nextInt(20 * 24)));
        Events event = switch (random.nextInt(8)) {
          case 0 -> Events.identify().set("traits.email", user + "@x.test").set("traits.name", "N" + random.nextInt(5));
          case 1 -> Events.group(account).set("traits.name", "Account " + account).set("traits.tier", random.nextBoolean()
              ? "Gold" : "Silver").set("traits.seats", random.nextInt(100)).set("traits.createdAt", "2023-01-01T00:00:00Z");
          case 2 -> Events.page("Home").module(MODULES[random.nextInt(MODULES.length)]);
          default -> {
            Events track = Events.track("F" + random.nextInt(6)).module(MODULES[random.nextInt(MODULES.length)]);
            yield random.nextInt(3) == 0 ? track : track.account(account);
          }
        };
        events.add(event.user(user).session("s" + random.nextInt(10)).at(at.toString()).messageId("m" + batch + "-" + i).json());
      }
      if (batch % 4 == 3) {
        events.add(events.get(0)); // a retry: a duplicate
        events.add("{\"type\":\"track\",\"userId\":\"u1\"}"); // no event name: rejected
      }
      requests.add("{\"batch\":[" + String.join(",", events) + "]}");
    }
    return requests;
  }

  private static Map<String, String> answers(Backend backend, Path dataDir, List<String> requests) {
    Map<String, String> answers = new LinkedHashMap<>();
    try (TestServer server = TestServer.start(backend, dataDir, new TestClock(NOW))) {
      Keys keys = server.createWorkspace("Acme");
      HttpResponse<String> settings = server.put("/api/v1/settings", "{\"tiers\":[\"Gold\",\"Silver\"],\"dimensions\":"
          + "[{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"}]}", "Authorization", keys.bearer());
      assertThat(settings.statusCode()).isEqualTo(200);
      for (String body : requests) {
        HttpResponse<String> sent = server.post("/v1/batch", body, "Authorization", keys.basicWriteKey());
        answers.put("POST /v1/batch " + answers.size(), sent.statusCode() + " " + sent.body());
      }
      server.awaitProcessed(keys);

      List<String> paths = new ArrayList<>();
      for (String route : server.routes()) {
        if (route.startsWith("GET /api/v1/")) {
          String path = route.substring("GET ".length());
          for (String id : path.startsWith("/api/v1/users/") ? List.of("u1", "u7") : List.of("acct1", "acct4")) {
            paths.add(path.replace("{id}", id));
          }
        }
      }
      for (String figure : List.of("activeUsers30d", "sessions30d", "activeSeconds30d", "lastSeenAt", "name")) {
        paths.add("/api/v1/accounts?sort=" + figure + "&order=desc");
        paths.add("/api/v1/accounts?sort=" + figure + "&order=asc&limit=2");
      }
      paths.add("/api/v1/accounts?tier=Gold&dimension.seats%3E20");
      paths.add("/api/v1/events?accountId=acct1&type=track&limit=500");
      paths.add("/api/v1/debugger?limit=1000");
      paths.add("/api/v1/debugger?status=rejected");
      for (String path : paths.stream().distinct().toList()) {
        for (String accept : List.of("application/json", "text/csv")) {
          HttpResponse<String> response = server.get(path, "Authorization", keys.bearer(), "Accept", accept);
          answers.put(path + " " + accept, response.statusCode() + " " + response.body().replace(keys.workspace(), "{ws}"));
        }
      }
      WebClient browser = new WebClient(server);
      browser.signIn(keys.adminEmail(), keys.adminPassword());
      for (String page : List.of("/accounts", "/accounts/acct1", "/users/u1", "/debugger")) {
        answers.put(page, browser.get(page).body().replaceAll("name=\"csrf\" value=\"[^\"]+\"", "csrf")
            .replace(keys.workspace(), "{ws}"));
      }
    }
    assertThat(answers).hasSizeGreaterThan(60);
    return answers;
  }
}
