package dev.uptake.server.http;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.server.web.WebClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests an attacker or a broken client sends: each gets a 4xx in the one error shape, never a 5xx or a page of Jetty's. */
class HostileRequestsTest {

  @TempDir static Path dir;
  static TestServer server;
  static Keys keys;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir);
    keys = server.createWorkspace("Acme");
    server.sendProcessed(keys, Events.track("Export").user("u1").set("groupId", "acme"),
        Events.group("acme").set("traits", java.util.Map.of("name", "Acme", "createdAt", "2024-01-01T00:00:00Z")));
  }

  @AfterAll
  static void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  static final List<String> RANGED = List.of(
      "/api/v1/events", "/api/v1/accounts/acme/usage", "/api/v1/users/u1/usage", "/api/v1/accounts/acme/sessions",
      "/api/v1/users/u1/sessions", "/api/v1/accounts/acme/modules", "/api/v1/accounts/acme/features");

  @ParameterizedTest
  @ValueSource(strings = {"%2B999999999-12-31", "-999999999-01-01", "0001-01-01", "10000-01-01",
    "%2B999999999-12-31T23:59:59Z"})
  void extremeDaysAreRefusedNamingTheParameter(String day) {
    for (String path : RANGED) {
      for (String parameter : List.of("from", "to")) {
        HttpResponse<String> response = server.get(path + "?" + parameter + "=" + day, "Authorization", keys.bearer());
        assertThat(response.statusCode()).as("%s?%s=%s: %s", path, parameter, day, response.body()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo(parameter);
      }
    }
  }

  @Test
  void pagesRefuseTheRangesTheApiRefuses() {
    WebClient browser = new WebClient(server);
    browser.signIn(keys.adminEmail(), keys.adminPassword());
    for (String page : List.of("/accounts/acme", "/users/u1")) {
      HttpResponse<String> refused = browser.get(page + "?from=%2B999999999-12-31");
      assertThat(refused.statusCode()).as(page).isEqualTo(400);
      assertThat(refused.body()).contains("from must be from 1970-01-01 to 9999-12-31");
      assertThat(browser.get(page + "?from=2024-01-01&to=2024-12-31").statusCode()).as("366 days").isEqualTo(200);
      assertThat(browser.get(page + "?from=2024-01-01&to=2025-01-01").statusCode()).as("367 days").isEqualTo(400);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1/accounts?q=%", "/api/v1/accounts?q=%zz", "/api/v1/events?userId=%E", "/accounts?q=%",
    "/api/v1/debugger?status=%"})
  void malformedPercentEscapeInTheQueryIsA400(String pathAndQuery) throws IOException {
    String answer = raw("GET " + pathAndQuery + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + keys.bearer()
        + "\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400");
    JsonNode body = TestServer.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    assertThat(body.get("error").asText()).isEqualTo("invalid_query");
    assertThat(body.get("reason").asText()).contains("percent-escape");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/%zz", "/api/v1/accounts/%00", "/../../etc/passwd"})
  void malformedUriGetsTheJsonErrorShape(String target) throws IOException {
    String answer = raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).containsIgnoringCase("Content-Type: application/json");
    JsonNode body = TestServer.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    assertThat(body.get("success").asBoolean()).isFalse();
    assertThat(body.get("reason").asText()).contains("malformed");
  }

  @Test
  void nulCharacterIsRefusedInIdsAndQueriesOnEveryStore() {
    HttpResponse<String> query = server.get("/api/v1/events?userId=u%001", "Authorization", keys.bearer());
    assertThat(query.statusCode()).as(query.body()).isEqualTo(400);
    assertThat(json(query).get("field").asText()).isEqualTo("userId");

    String body = "{\"batch\":[{\"type\":\"track\",\"event\":\"Open\",\"userId\":\"u\\u00001\",\"messageId\":\"m\\u0000\","
        + "\"timestamp\":\"" + java.time.Instant.now() + "\"}]}";
    HttpResponse<String> sent = server.post("/v1/batch", body, "Authorization", keys.basicWriteKey());
    assertThat(sent.statusCode()).as("a batch answers 200 with its refusals: %s", sent.body()).isEqualTo(200);
    assertThat(json(sent).get("rejected").get(0).get("field").asText()).isEqualTo("messageId");
    assertThat(json(sent).get("rejected").get(0).get("messageId").asText()).isEqualTo("m\uFFFD");
    assertThat(server.debugger(keys, "rejected")).anySatisfy(entry ->
        assertThat(entry.get("reasons").get(0).get("reason").asText()).contains("NUL"));
  }

  @Test
  void everyAnswerForbidsFramingAndSniffing() {
    for (String path : List.of("/login", "/api/v1/stats", "/static/uptake.css", "/nope", "/health/live")) {
      HttpResponse<String> response = server.get(path, "Authorization", keys.bearer());
      assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
      assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(response.headers().firstValue("Content-Security-Policy")).as(path).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("frame-ancestors 'none'").contains("script-src 'self'");
    }
  }

  @Test
  void credentialInAnotherLetterCaseIsRefusedOnAReusedConnection() throws IOException {
    String right = "GET /api/v1/stats HTTP/1.1\r\nHost: x\r\nAuthorization: " + keys.bearer() + "\r\n\r\n";
    String wrongCase = "GET /api/v1/stats HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + keys.adminToken().toUpperCase(Locale.ROOT) + "\r\nConnection: close\r\n\r\n";
    String basic = TestServer.basic(keys.writeKey(), "");
    String event = Events.track("A").at(java.time.Instant.now().toString()).json();
    String rightKey = post(basic, event, false);
    String wrongKey = post(basic.substring(0, 6) + swapCase(basic.substring(6)), event, true);
    List<String> answers = rawSequence(List.of(right, wrongCase));
    assertThat(answers.get(0)).startsWith("HTTP/1.1 200");
    assertThat(answers.get(1)).startsWith("HTTP/1.1 401");
    List<String> ingest = rawSequence(List.of(rightKey, wrongKey));
    assertThat(ingest.get(0)).startsWith("HTTP/1.1 200");
    assertThat(ingest.get(1)).startsWith("HTTP/1.1 401");
  }

  static String post(String authorization, String body, boolean close) {
    return "POST /v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: " + authorization + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n" + (close ? "Connection: close\r\n" : "")
        + "\r\n" + body;
  }

  static String swapCase(String text) {
    StringBuilder swapped = new StringBuilder();
    for (char c : text.toCharArray()) {
      swapped.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    return swapped.toString();
  }

  static String raw(String request) throws IOException {
    return RawHttp.exchange(server.port(), List.of(request)).get(0);
  }

  static List<String> rawSequence(List<String> requests) throws IOException {
    return RawHttp.exchange(server.port(), requests);
  }
}
