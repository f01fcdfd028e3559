package dev.uptake.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alert rules through the API: saved and read back as sent, secrets never shown, wrong fields refused by path. */
class AlertRulesApiTest {

  @TempDir Path dir;

  @Test
  void rulesAreCreatedReadChangedAndDeletedWithoutShowingSecrets() {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      HttpResponse<String> created = server.post("/api/v1/alerts/rules", "{\"name\":\"Gold gone quiet\",\"kind\":\"quiet\","
          + "\"days\":7,\"filter\":{\"tier\":\"Gold\"},\"destinations\":[{\"type\":\"webhook\",\"url\":\"https://hooks.example.com/a\","
          + "\"secret\":\"top\"},{\"type\":\"slack\",\"url\":\"https://hooks.slack.com/services/T/B/X\"}]}",
          "Authorization", keys.bearer());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonNode rule = TestServer.json(created);
      assertThat(rule.get("name").asText()).isEqualTo("Gold gone quiet");
      assertThat(rule.get("days").asInt()).isEqualTo(7);
      assertThat(rule.get("filter").asText()).isEqualTo("tier=Gold");
      assertThat(rule.get("cooldownHours").asDouble()).isEqualTo(24);
      assertThat(rule.get("paused").asBoolean()).isFalse();
      assertThat(rule.at("/destinations/0/hasSecret").asBoolean()).isTrue();
      assertThat(created.body()).doesNotContain("top");
      assertThat(rule.get("appUrl").asText()).isEqualTo(server.url(""));
      String id = rule.get("id").asText();

      JsonNode listed = TestServer.json(server.get("/api/v1/alerts/rules", "Authorization", keys.bearer()));
      assertThat(listed.get("rules")).hasSize(1);
      assertThat(listed.at("/rules/0")).isEqualTo(rule);

      // Written back as read (without the secret), with a change: the secret stays.
      HttpResponse<String> changed = server.put("/api/v1/alerts/rules/" + id, rule.toString().replace("\"days\":7", "\"days\":10")
          .replace("\"paused\":false", "\"paused\":true"), "Authorization", keys.bearer());
      assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
      JsonNode read = TestServer.json(server.get("/api/v1/alerts/rules/" + id, "Authorization", keys.bearer()));
      assertThat(read.get("days").asInt()).isEqualTo(10);
      assertThat(read.get("paused").asBoolean()).isTrue();
      assertThat(read.at("/destinations/0/hasSecret").asBoolean()).isTrue();

      assertThat(delete(server, keys, "/api/v1/alerts/rules/" + id).statusCode()).isEqualTo(204);
      assertThat(server.get("/api/v1/alerts/rules/" + id, "Authorization", keys.bearer()).statusCode()).isEqualTo(404);
      assertThat(delete(server, keys, "/api/v1/alerts/rules/" + id).statusCode()).isEqualTo(404);
      assertThat(server.get("/api/v1/alerts/rules", "Authorization", "Bearer nope").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void aWrongFieldIsRefusedWithItsPath() {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      refused(server, keys, "{\"days\":3}", "kind");
      refused(server, keys, "{\"kind\":\"sleepy\"}", "kind");
      refused(server, keys, "{\"kind\":\"quiet\"}", "days");
      refused(server, keys, "{\"kind\":\"quiet\",\"days\":-1}", "days");
      refused(server, keys, "{\"kind\":\"usageDrop\",\"percent\":50,\"windowDays\":31}", "windowDays");
      refused(server, keys, "{\"kind\":\"healthBand\",\"band\":\"blue\"}", "band");
      refused(server, keys, "{\"kind\":\"seatUtilization\"}", "below");
      refused(server, keys, "{\"kind\":\"seatUtilization\",\"below\":10,\"seatsDimension\":\"seats\"}", "seatsDimension");
      refused(server, keys, "{\"kind\":\"quiet\",\"days\":3,\"filter\":\"healthBand=purple\"}", "filter.healthBand");
      refused(server, keys, "{\"kind\":\"quiet\",\"days\":3,\"filter\":{\"dimension.arr>\":5}}", "filter.dimension.arr");
      refused(server, keys, "{\"kind\":\"quiet\",\"days\":3,\"cooldownHours\":-2}", "cooldownHours");
      refused(server, keys, "{\"kind\":\"quiet\",\"days\":3,\"destinations\":[{\"type\":\"email\",\"url\":\"x\"}]}",
          "destinations[0].type");
      refused(server, keys, "{\"kind\":\"quiet\",\"days\":3,\"destinations\":[{\"type\":\"webhook\",\"url\":\"ftp://x\"}]}",
          "destinations[0].url");
      refused(server, keys, "{\"kind\":\"quiet\",\"days\":3,\"destinations\":[{\"type\":\"webhook\",\"url\":\"https://x.io\","
          + "\"secret\":\"\"}]}", "destinations[0].secret");
      refused(server, keys, "{\"kind\":\"quiet\",\"days\":3,\"colour\":\"red\"}", "colour");
      HttpResponse<String> notJson = server.post("/api/v1/alerts/rules", "{", "Authorization", keys.bearer());
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(TestServer.json(server.get("/api/v1/alerts/rules", "Authorization", keys.bearer())).get("rules")).isEmpty();
    }
  }

  private static void refused(TestServer server, Keys keys, String rule, String field) {
    HttpResponse<String> response = server.post("/api/v1/alerts/rules", rule, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode error = TestServer.json(response);
    assertThat(error.get("error").asText()).isEqualTo("invalid_alert_rule");
    assertThat(error.get("field").asText()).as(response.body()).isEqualTo(field);
    assertThat(error.get("reason").asText()).isNotBlank();
  }

  static HttpResponse<String> delete(TestServer server, Keys keys, String path) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path))).DELETE(), "Authorization", keys.bearer());
  }
}
