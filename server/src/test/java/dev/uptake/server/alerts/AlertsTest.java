package dev.uptake.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alert rules against a real HTTP receiver: each kind of account rule delivers exactly one signed
 * webhook within 60 s of its condition becoming true; a receiver that fails gets retries, across a
 * restart, until it takes the alert, and one that never does sees it marked failed after 24 hours;
 * while the workspace's traffic has stopped, account alerts are held and trackingStopped fires.
 * Time moves by a test clock; the watch and the deliveries run on their own schedule.
 */
class AlertsTest {

  static final Instant T0 = Instant.parse("2024-06-15T12:00:00Z");
  static final Duration WITHIN = Duration.ofSeconds(60);
  static final String SECRET = "s3cret";

  @TempDir Path dir;

  @Test
  void eachRuleDeliversOneSignedWebhookRetriesSurviveARestartAndStoppedTrackingHoldsAccountAlerts() throws Exception {
    TestClock clock = new TestClock(T0);
    try (Receiver receiver = new Receiver()) {
      TestServer server = TestServer.start(dir, clock);
      Keys keys;
      try {
        keys = server.createWorkspace("Acme");
        ok(server.put("/api/v1/settings", "{\"tiers\":[\"Quiet\",\"Quiet2\",\"Drop\",\"Band\",\"Seat\"],\"dimensions\":"
            + "[{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"}]}", "Authorization", keys.bearer()));
        ok(server.put("/api/v1/health", "{\"profiles\":[{\"name\":\"Seats\",\"seatsDimension\":\"seats\",\"groups\":[{\"name\":"
            + "\"Adoption\",\"measures\":[{\"metric\":\"seatUtilization\",\"zeroAt\":0,\"fullAt\":100}]}]}]}",
            "Authorization", keys.bearer()));
        long quiet = rule(server, keys, "{\"name\":\"Quiet accounts\",\"kind\":\"quiet\",\"days\":3,\"filter\":{\"tier\":"
            + "\"Quiet\"},\"destinations\":[" + webhook(receiver, "/quiet") + ",{\"type\":\"slack\",\"url\":\""
            + receiver.url("/slack") + "\"}]}");
        rule(server, keys, "{\"kind\":\"quiet\",\"days\":5,\"filter\":\"tier=Quiet2\",\"destinations\":["
            + webhook(receiver, "/quiet2") + "]}");
        long drop = rule(server, keys, "{\"kind\":\"usageDrop\",\"percent\":50,\"windowDays\":7,\"filter\":{\"tier\":\"Drop\"},"
            + "\"cooldownHours\":720,\"destinations\":[" + webhook(receiver, "/drop") + "]}");
        long band = rule(server, keys, "{\"kind\":\"healthBand\",\"band\":\"red\",\"filter\":{\"tier\":\"Band\"},"
            + "\"destinations\":[" + webhook(receiver, "/band") + "]}");
        long seat = rule(server, keys, "{\"kind\":\"seatUtilization\",\"below\":10,\"filter\":{\"tier\":\"Seat\"},"
            + "\"cooldownHours\":720,\"destinations\":[" + webhook(receiver, "/seat") + "]}");

        List<Events> traffic = new ArrayList<>(List.of(
            group("quietco", "Quiet", 10), group("quiet2co", "Quiet2", 10), group("dropco", "Drop", 10),
            group("bandco", "Band", 2), group("seatco", "Seat", 100),
            Events.track("Open").user("q1").account("quietco").session("q").at("2024-06-15T11:00:00Z"),
            Events.track("Open").user("q2").account("quiet2co").session("q2").at("2024-06-15T11:00:00Z"),
            Events.track("Open").user("b1").account("bandco").session("b1").at("2024-06-14T09:00:00Z"),
            Events.track("Open").user("b2").account("bandco").session("b2").at("2024-06-14T09:00:00Z"),
            Events.track("Open").user("s1").account("seatco").session("s1").at("2024-06-14T09:00:00Z")));
        for (int day = 8; day <= 13; day++) { // active time 8 to 13 days ago, none in the last 7
          String date = T0.minus(Duration.ofDays(day)).toString().substring(0, 10);
          traffic.add(Events.track("Open").user("d1").account("dropco").session("d" + day).at(date + "T09:00:00Z"));
          traffic.add(Events.track("Save").user("d1").account("dropco").session("d" + day).at(date + "T09:10:00Z"));
        }
        server.sendProcessed(keys, traffic.toArray(Events[]::new));

        Receiver.Received dropped = one(receiver, "/drop");
        assertSigned(dropped);
        JsonNode dropAlert = TestServer.JSON.readTree(dropped.body());
        assertThat(dropAlert.get("rule").asLong()).isEqualTo(drop);
        assertThat(dropAlert.get("kind").asText()).isEqualTo("usageDrop");
        assertThat(dropAlert.get("workspace").asText()).startsWith("ws_");
        assertThat(dropAlert.at("/account/id").asText()).isEqualTo("dropco");
        assertThat(dropAlert.at("/account/tier").asText()).isEqualTo("Drop");
        assertThat(dropAlert.at("/details/activeSeconds").asDouble()).isZero();
        assertThat(dropAlert.at("/details/changePercent").asDouble()).isEqualTo(-100.0);
        assertThat(dropAlert.get("firedAt").asText()).isEqualTo(T0.toString());
        JsonNode seatAlert = TestServer.JSON.readTree(assertSigned(one(receiver, "/seat")).body());
        assertThat(seatAlert.get("rule").asLong()).isEqualTo(seat);
        assertThat(seatAlert.at("/details/seatUtilization").asDouble()).isEqualTo(1.0);

        // bandco was green (2 of 2 seats in use); 100 seats make it red.
        server.sendProcessed(keys, group("bandco", "Band", 100).at("2024-06-15T11:30:00Z"));
        JsonNode bandAlert = TestServer.JSON.readTree(assertSigned(one(receiver, "/band")).body());
        assertThat(bandAlert.get("rule").asLong()).isEqualTo(band);
        assertThat(bandAlert.at("/details/previousBand").asText()).isEqualTo("green");
        assertThat(bandAlert.at("/details/band").asText()).isEqualTo("red");

        clock.advance(Duration.ofDays(4));
        JsonNode quietAlert = TestServer.JSON.readTree(assertSigned(one(receiver, "/quiet")).body());
        assertThat(quietAlert.get("rule").asLong()).isEqualTo(quiet);
        assertThat(quietAlert.at("/account/id").asText()).isEqualTo("quietco");
        assertThat(quietAlert.at("/details/daysSinceLastSeen").asLong()).isEqualTo(4);
        JsonNode slack = TestServer.JSON.readTree(one(receiver, "/slack").body());
        assertThat(slack.get("text").asText()).contains("/accounts/quietco|quietco>").contains("no activity for 3 days");
        assertThat(receiver.at("/quiet2")).as("4 days is not 5").isEmpty();

        // A week after the traffic, nothing since: tracking stopped, and quiet2co's quiet spell is held.
        receiver.failNext("/flaky", 2);
        receiver.failNext("/down", Integer.MAX_VALUE);
        long stopped = rule(server, keys, "{\"kind\":\"trackingStopped\",\"minutes\":60,\"destinations\":["
            + webhook(receiver, "/stopped") + "," + webhook(receiver, "/flaky") + "," + webhook(receiver, "/down") + "]}");
        clock.advance(Duration.ofDays(3).plusMinutes(30));
        JsonNode stoppedAlert = TestServer.JSON.readTree(assertSigned(one(receiver, "/stopped")).body());
        assertThat(stoppedAlert.get("rule").asLong()).isEqualTo(stopped);
        assertThat(stoppedAlert.get("account").isNull()).isTrue();
        assertThat(receiver.await("/flaky", 1, WITHIN)).hasSize(1);
        JsonNode held = awaitAlert(server, keys, "quiet2co");
        assertThat(held.get("status").asText()).isEqualTo("held");
        assertThat(held.get("heldBecause").asText()).contains("stopped");
        assertThat(held.get("deliveries")).isEmpty();
        assertThat(receiver.at("/quiet2")).as("held, not delivered").isEmpty();
      } finally {
        server.close();
      }

      server = TestServer.start(dir, clock);
      try {
        clock.advance(Duration.ofSeconds(15));
        assertThat(receiver.await("/flaky", 2, WITHIN)).hasSize(2);
        awaitAttempts(server, keys, 2); // recorded, so the next wait counts from this clock time
        clock.advance(Duration.ofSeconds(25));
        assertThat(receiver.await("/flaky", 3, WITHIN)).hasSize(3);
        assertSigned(receiver.at("/flaky").get(2));
        JsonNode stoppedAlert = awaitDelivered(server, keys, "/flaky");
        assertThat(stoppedAlert.at("/deliveries/1/attempts")).hasSize(3);
        assertThat(stoppedAlert.at("/deliveries/1/attempts/0/status").asInt()).isEqualTo(500);

        clock.advance(Duration.ofHours(25));
        JsonNode failed = awaitStatus(server, keys, "failed");
        assertThat(failed.at("/deliveries/2/status").asText()).isEqualTo("failed");
        assertThat(failed.at("/deliveries/2/attempts").size()).isGreaterThan(1);

        server.awaitWatchPass(); // the restarted watch looked at every rule again
        for (String path : List.of("/drop", "/seat", "/band", "/quiet", "/slack", "/stopped")) {
          assertThat(receiver.at(path)).as(path + " once, restart or not").hasSize(1);
        }
      } finally {
        server.close();
      }
    }
  }

  private static Events group(String id, String tier, int seats) {
    return Events.group(id).user("admin-" + id).set("traits.name", id).set("traits.tier", tier).set("traits.seats", seats)
        .at("2024-05-01T00:00:00Z");
  }

  private static String webhook(Receiver receiver, String path) {
    return "{\"type\":\"webhook\",\"url\":\"" + receiver.url(path) + "\",\"secret\":\"" + SECRET + "\"}";
  }

  private static long rule(TestServer server, Keys keys, String rule) {
    HttpResponse<String> response = server.post("/api/v1/alerts/rules", rule, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return TestServer.json(response).get("id").asLong();
  }

  private static Receiver.Received one(Receiver receiver, String path) throws InterruptedException {
    List<Receiver.Received> received = receiver.await(path, 1, WITHIN);
    assertThat(received).as(path + " within 60 s").hasSize(1);
    return received.get(0);
  }

  /** The signature is the hex HMAC-SHA256 of the exact body with the secret. */
  private static Receiver.Received assertSigned(Receiver.Received received) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(received.body().getBytes(StandardCharsets.UTF_8)));
    assertThat(received.signature()).isEqualTo(expected);
    return received;
  }

  private static JsonNode alerts(TestServer server, Keys keys) {
    HttpResponse<String> response = server.get("/api/v1/alerts?from=2024-06-01&to=2024-07-31", "Authorization", keys.bearer());
    ok(response);
    return TestServer.json(response).get("alerts");
  }

  private static JsonNode awaitAlert(TestServer server, Keys keys, String account) throws InterruptedException {
    return await(server, keys, alert -> alert.at("/account/id").asText().equals(account));
  }

  private static JsonNode awaitDelivered(TestServer server, Keys keys, String path) throws InterruptedException {
    return await(server, keys, alert -> alert.get("kind").asText().equals("trackingStopped")
        && alert.at("/deliveries/1/url").asText().endsWith(path) && alert.at("/deliveries/1/status").asText().equals("delivered"));
  }

  private static JsonNode awaitAttempts(TestServer server, Keys keys, int attempts) throws InterruptedException {
    return await(server, keys, alert -> alert.get("kind").asText().equals("trackingStopped")
        && alert.at("/deliveries/1/attempts").size() == attempts);
  }

  private static JsonNode awaitStatus(TestServer server, Keys keys, String status) throws InterruptedException {
    return await(server, keys, alert -> alert.get("status").asText().equals(status));
  }

  private static JsonNode await(TestServer server, Keys keys, Predicate<JsonNode> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode alert : alerts(server, keys)) {
        if (wanted.test(alert)) {
          return alert;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no such alert within 60 s: " + alerts(server, keys));
  }

  private static void ok(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
