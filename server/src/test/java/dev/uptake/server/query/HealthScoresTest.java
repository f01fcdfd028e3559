package dev.uptake.server.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic, then a health model through the API: every account in the list, in its detail and in
 * the CSV carries the score that follows from the list's own figures by the model's rules.
 */
class HealthScoresTest {

  static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");
  static final String MODEL = "{\"profiles\":[{\"name\":\"Enterprise\",\"when\":{\"tier\":[\"Gold\"]},\"seatsDimension\":"
      + "\"seats\",\"groups\":[{\"name\":\"Engagement\",\"weight\":3,\"measures\":[{\"metric\":\"activeUsers30d\",\"zeroAt\":0,"
      + "\"fullAt\":4},{\"metric\":\"daysSinceLastSeen\",\"zeroAt\":14,\"fullAt\":1,\"weight\":2}]},{\"name\":\"Adoption\","
      + "\"measures\":[{\"metric\":\"seatUtilization\",\"zeroAt\":0,\"fullAt\":100}]}]},{\"name\":\"Everyone\",\"groups\":"
      + "[{\"name\":\"Activity\",\"measures\":[{\"metric\":\"sessions30d\",\"zeroAt\":0,\"fullAt\":10}]}]}]}";

  @TempDir Path dir;

  @Test
  void everyAccountCarriesTheScoreItsFiguresGiveByTheRules() throws Exception {
    try (TestServer server = TestServer.start(dir, new TestClock(NOW))) {
      Keys keys = server.createWorkspace("Acme");
      assertThat(server.put("/api/v1/settings", "{\"tiers\":[\"Gold\",\"Silver\"],\"dimensions\":[{\"name\":\"seats\","
          + "\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"}]}", "Authorization", keys.bearer()).statusCode())
          .isEqualTo(200);
      server.sendProcessed(keys,
          group("acme", "Gold", 4), group("initech", "Gold", 10), group("globex", "Silver", 50),
          Events.track("Open").user("a1").account("acme").session("s1").at("2024-06-14T09:00:00Z"),
          Events.track("Open").user("a2").account("acme").session("s2").at("2024-06-13T09:00:00Z"),
          Events.track("Open").user("a3").account("acme").session("s3").at("2024-06-10T09:00:00Z"),
          Events.track("Open").user("i1").account("initech").session("s4").at("2024-06-01T09:00:00Z"),
          Events.track("Open").user("g1").account("globex").session("s5").at("2024-06-12T09:00:00Z"),
          Events.track("Open").user("g1").account("globex").session("s6").at("2024-06-14T09:00:00Z"));
      assertThat(server.put("/api/v1/health", MODEL, "Authorization", keys.bearer()).statusCode()).isEqualTo(200);

      JsonNode accounts = TestServer.json(server.get("/api/v1/accounts", "Authorization", keys.bearer())).get("accounts");
      assertThat(accounts).hasSize(3);
      for (JsonNode account : accounts) {
        JsonNode health = account.get("health");
        double expected = expected(account);
        assertThat(health.get("score").asDouble()).as(account.get("id").asText()).isCloseTo(expected, within(0.05));
        assertThat(health.get("band").asText()).isEqualTo(expected <= 30 ? "red" : expected <= 70 ? "yellow" : "green");
        assertThat(health.get("profile").asText()).isEqualTo(account.get("tier").asText().equals("Gold") ? "Enterprise" : "Everyone");
        JsonNode detail = TestServer.json(server.get("/api/v1/accounts/" + account.get("id").asText(), "Authorization",
            keys.bearer()));
        assertThat(detail.get("health")).isEqualTo(health);
      }
      JsonNode initech = accounts.get(2);
      assertThat(initech.get("id").asText()).isEqualTo("initech");
      assertThat(initech.at("/health/detractor/metric").asText()).as("last seen two weeks ago").isEqualTo("daysSinceLastSeen");

      List<Map<String, String>> csv = Csv.read(server.get("/api/v1/accounts?format=csv", "Authorization", keys.bearer()).body());
      assertThat(csv.get(0).get("health.score")).isEqualTo(accounts.get(0).at("/health/score").asText());
      assertThat(csv.get(0).get("health.band")).isEqualTo(accounts.get(0).at("/health/band").asText());
    }
  }

  private static Events group(String id, String tier, int seats) {
    return Events.group(id).user("admin-" + id).set("traits.name", id).set("traits.tier", tier).set("traits.seats", seats)
        .set("traits.createdAt", "2023-01-01T00:00:00Z").at("2024-05-01T00:00:00Z");
  }

  /** The model's rules written out for this model, from the account's own figures in the list. */
  private static double expected(JsonNode account) {
    if (!account.get("tier").asText().equals("Gold")) {
      return clamp(account.get("sessions30d").asDouble() / 10 * 100);
    }
    double active = account.get("activeUsers30d").asDouble();
    LocalDate lastSeen = Instant.parse(account.get("lastSeenAt").asText()).atZone(ZoneOffset.UTC).toLocalDate();
    double days = ChronoUnit.DAYS.between(lastSeen, LocalDate.of(2024, 6, 15));
    double engagement = (clamp(active / 4 * 100) + 2 * clamp((days - 14) / (1 - 14) * 100)) / 3;
    double adoption = clamp(active / account.at("/dimensions/seats").asDouble() * 100);
    return (3 * engagement + adoption) / 4;
  }

  private static double clamp(double score) {
    return Math.max(0, Math.min(100, score));
  }
}
