package dev.uptake.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reprocessing ends in the state a fresh start gives: one workspace processes random events under
 * the default mapping, saves another and reprocesses while the rest of its events arrive; another
 * workspace gets the same events with that mapping saved from the start. Every query route then
 * answers alike for both, and differently from before the reprocessing.
 */
class MappingReprocessPropertyTest {

  static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");
  static final String MAPPING = "{\"module\":[\"properties.section\",\"properties.module\"],"
      + "\"feature\":[\"properties.action\",\"event\"],\"account\":[\"properties.org\",\"context.groupId\"],"
      + "\"sessionKey\":[\"properties.tab\",\"anonymousId\",\"userId\"],"
      + "\"pages\":{\"feature\":[\"properties.title\",\"name\"],\"module\":[\"properties.category\"]},"
      + "\"exclude\":[\"Heartbeat\"],\"rename\":{\"Dash Viewed\":\"Viewed Dashboard\"}}";
  static final String[] SECTIONS = {"Reports", "Billing", "Admin"};
  static final String[] NAMES = {"Export", "Dash Viewed", "Heartbeat", "Share", "Filter"};

  @TempDir Path dir;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void reprocessingEndsInTheStateAFreshStartUnderTheMappingGives(long seed) {
    List<String> events = events(new Random(seed));
    try (TestServer server = TestServer.start(dir, new TestClock(NOW))) {
      Keys fresh = server.createWorkspace("Fresh");
      Keys reprocessed = server.createWorkspace("Reprocessed");
      put(server, fresh, MAPPING);
      send(server, fresh, events);
      server.awaitProcessed(fresh);

      int half = events.size() / 2;
      send(server, reprocessed, events.subList(0, half));
      server.awaitProcessed(reprocessed);
      put(server, reprocessed, MAPPING);
      HttpResponse<String> started = server.post("/api/v1/mappings/reprocess", "", "Authorization", reprocessed.bearer());
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      send(server, reprocessed, events.subList(half, events.size())); // events keep arriving meanwhile
      awaitReprocessed(server, reprocessed);

      Map<String, String> expected = answers(server, fresh);
      Map<String, String> actual = answers(server, reprocessed);
      assertThat(actual.keySet()).isEqualTo(expected.keySet());
      expected.forEach((path, answer) -> assertThat(actual.get(path)).as(path).isEqualTo(answer));
      assertThat(expected.toString()).as("the mapping reads what the default does not")
          .contains("Viewed Dashboard").contains("\"Billing\"");
    }
  }

  /** Tracks, pages, identify and group calls of 6 users in 4 organisations over 3 days, fields where the mapping reads them. */
  static List<String> events(Random random) {
    List<String> events = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String user = "u" + random.nextInt(6);
      String org = "org" + random.nextInt(4);
      Instant at = NOW.minusSeconds(60L * random.nextInt(3 * 24 * 60));
      Events event = switch (random.nextInt(10)) {
        case 0 -> Events.identify().set("traits.email", user + "@x.test").set("traits.title", "T" + random.nextInt(3));
        case 1 -> Events.group(org).set("traits.name", "Org " + org).set("traits.createdAt", "2023-01-01T00:00:00Z");
        case 2, 3 -> Events.page("Page " + random.nextInt(3)).set("properties.title", random.nextBoolean() ? "Title "
            + random.nextInt(3) : "").set("properties.category", SECTIONS[random.nextInt(SECTIONS.length)]);
        default -> {
          Events track = Events.track(NAMES[random.nextInt(NAMES.length)]);
          if (random.nextBoolean()) {
            track = track.set("properties.section", SECTIONS[random.nextInt(SECTIONS.length)]);
          }
          if (random.nextBoolean()) {
            track = track.module("Legacy");
          }
          if (random.nextInt(3) == 0) {
            track = track.set("properties.action", "Action " + random.nextInt(3));
          }
          yield random.nextBoolean() ? track.set("properties.org", org) : track.account(org);
        }
      };
      if (random.nextInt(4) == 0) {
        event = event.set("properties.tab", "tab" + random.nextInt(3));
      }
      events.add(event.user(user).session("s" + user + random.nextInt(2)).at(at.toString()).messageId("m" + i).json());
    }
    return events;
  }

  /** Every GET of the query API, for each user and organisation, the workspace's own id taken out; not the stats. */
  private static Map<String, String> answers(TestServer server, Keys keys) {
    Map<String, String> answers = new LinkedHashMap<>();
    List<String> paths = new ArrayList<>();
    for (String route : server.routes()) {
      if (route.startsWith("GET /api/v1/") && !route.equals("GET /api/v1/stats")) {
        String path = route.substring("GET ".length());
        List<String> ids = path.startsWith("/api/v1/users/") ? List.of("u0", "u1", "u2", "u3", "u4", "u5")
            : path.contains("{id}") ? List.of("org0", "org1", "org2", "org3") : List.of("");
        ids.forEach(id -> paths.add(path.replace("{id}", id)));
      }
    }
    paths.add("/api/v1/events?limit=1000");
    paths.add("/api/v1/debugger?limit=1000");
    for (String path : paths.stream().distinct().toList()) {
      HttpResponse<String> response = server.get(path, "Authorization", keys.bearer());
      // Log positions differ between workspaces; what they point at is compared.
      answers.put(path, response.statusCode() + " " + response.body().replace(keys.workspace(), "{ws}")
          .replaceAll("\"nextCursor\":\"\\d+\"", "\"nextCursor\":\"…\""));
    }
    return answers;
  }

  private static void put(TestServer server, Keys keys, String mapping) {
    HttpResponse<String> saved = server.put("/api/v1/mappings", mapping, "Authorization", keys.bearer());
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
  }

  private static void send(TestServer server, Keys keys, List<String> events) {
    for (int from = 0; from < events.size(); from += 100) {
      String body = "{\"batch\":[" + String.join(",", events.subList(from, Math.min(events.size(), from + 100))) + "]}";
      HttpResponse<String> sent = server.post("/v1/batch", body, "Authorization", keys.basicWriteKey());
      assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
    }
  }

  /** Waits until the reprocessing is done and every event is processed. */
  static void awaitReprocessed(TestServer server, Keys keys) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      JsonNode stats = server.stats(keys);
      if (stats.path("reprocess").path("state").asText().equals("done")
          && stats.get("processed").asLong() >= stats.get("accepted").asLong()) {
        return;
      }
      assertThat(System.nanoTime()).as("reprocessed within 60 s: " + stats).isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
