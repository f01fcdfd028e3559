package dev.uptake.server.http;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every sender's framing and endpoint, over real HTTP against a real server. */
class IngestEndpointsTest {

  @TempDir static Path dir;
  static TestServer server;
  Keys keys;

  @BeforeAll
  static void startServer() {
    server = TestServer.start(dir);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  @BeforeEach
  void newWorkspace() {
    keys = server.createWorkspace("Acme");
  }

  static String now() {
    return Instant.now().toString();
  }

  static Events track(String feature) {
    return Events.track(feature).at(now());
  }

  HttpResponse<String> postWithWriteKey(String path, String body) {
    return server.post(path, body, "Authorization", keys.basicWriteKey(), "Content-Type", "application/json");
  }

  String nativePath() {
    return "/v1/" + keys.authKey() + "/" + keys.apiKey();
  }

  List<String> storedMessageIds() {
    List<String> ids = new ArrayList<>();
    server.debugger(keys, "accepted").forEach(entry -> ids.add(entry.get("messageId").asText()));
    return ids;
  }

  static byte[] gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  @Nested
  class Framing {
    @Test
    void newlineDelimitedJsonOnTheNativeEndpointStoresEveryLine() {
      String body = track("A").messageId("n1").json() + "\r\n" + track("B").messageId("n2").json() + "\n";
      HttpResponse<String> response = server.post(nativePath(), body);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(json(response).get("accepted").asInt()).isEqualTo(2);
      assertThat(storedMessageIds()).containsExactlyInAnyOrder("n1", "n2");
    }

    @Test
    void segmentBatchObjectIsAcceptedOnTheNativeEndpoint() {
      String body = "{\"batch\":[" + track("A").messageId("b1").json() + "," + track("B").messageId("b2").json() + "]}";
      assertThat(server.post(nativePath(), body).statusCode()).isEqualTo(200);
      assertThat(storedMessageIds()).containsExactlyInAnyOrder("b1", "b2");
    }

    @Test
    void jsonArrayFromTheWebhooksDestinationIsAccepted() {
      String body = "[" + track("A").messageId("a1").json() + "," + track("B").messageId("a2").json() + "]";
      assertThat(server.post(nativePath(), body).statusCode()).isEqualTo(200);
      assertThat(storedMessageIds()).containsExactlyInAnyOrder("a1", "a2");
    }

    @Test
    void singleObjectIsAccepted() {
      assertThat(server.post(nativePath(), track("A").messageId("s1").json()).statusCode()).isEqualTo(200);
      assertThat(storedMessageIds()).containsExactly("s1");
    }

    @Test
    void gzipBodyIsInflated() {
      String body = track("A").messageId("g1").json() + "\n" + track("B").messageId("g2").json();
      HttpResponse<String> response =
          server.post("/v1/batch", gzip("{\"batch\":[" + body.replace("\n", ",") + "]}"),
              "Authorization", keys.basicWriteKey(), "Content-Encoding", "gzip");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(server.post(nativePath(), gzip(track("C").messageId("g3").json()), "Content-Encoding", "gzip").statusCode())
          .isEqualTo(200);
      assertThat(storedMessageIds()).containsExactlyInAnyOrder("g1", "g2", "g3");
    }

    @Test
    void corruptGzipIsA400() {
      HttpResponse<String> response =
          server.post(nativePath(), "not gzip".getBytes(StandardCharsets.UTF_8), "Content-Encoding", "gzip");
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(json(response).get("field").asText()).isEqualTo("body");
    }

    @Test
    void browserSdkTextPlainWithWriteKeyInTheBodyIsAcceptedWithCors() {
      String body = track("Clicked").messageId("t1").set("writeKey", keys.writeKey()).json();
      HttpResponse<String> response = server.post("/v1/t", body, "Content-Type", "text/plain", "Origin", "https://app.example.com");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
      assertThat(storedMessageIds()).containsExactly("t1");
      assertThat(server.debugger(keys, "accepted").get(0).toString()).doesNotContain(keys.writeKey());
    }

    @Test
    void corsPreflightIsAnswered() {
      HttpResponse<String> response =
          server.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url("/v1/p")))
                  .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()),
              "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST");
      assertThat(response.statusCode()).isEqualTo(204);
      assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Content-Type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"content-type,x-retry-count", "content-type,anonymousid,sentat,authorization",
      "Content-Type, X-Custom-Sdk-Header"})
    void corsPreflightAllowsTheHeadersTheBrowserAsksFor(String requested) {
      HttpResponse<String> response =
          server.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url("/v1/batch")))
                  .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()),
              "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST",
              "Access-Control-Request-Headers", requested);
      assertThat(response.statusCode()).isEqualTo(204);
      assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).hasValue(requested);
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/batch/", "/v1/import/", "/v1/track/", "/v1/b/"})
    void trailingSlashIsOptional(String path) {
      String event = track("A").json();
      String body = path.contains("track") ? event : "{\"batch\":[" + event + "]}";
      assertThat(postWithWriteKey(path, body).statusCode()).isEqualTo(200);
      assertThat(server.post(nativePath() + "/", event).statusCode()).isEqualTo(200);
    }

    @Test
    void everyTrackingApiPathImpliesItsType() {
      String[][] paths = {
        {"/v1/track", "track"}, {"/v1/identify", "identify"}, {"/v1/group", "group"},
        {"/v1/page", "page"}, {"/v1/screen", "screen"}, {"/v1/alias", "alias"},
        {"/v1/t", "track"}, {"/v1/i", "identify"}, {"/v1/g", "group"}, {"/v1/p", "page"},
        {"/v1/s", "screen"}, {"/v1/a", "alias"}
      };
      for (String[] path : paths) {
        Events event = Events.track("A").at(now()).without("type").set("groupId", "acme").set("previousId", "old");
        HttpResponse<String> response = postWithWriteKey(path[0], event.json());
        assertThat(response.statusCode()).as(path[0] + " " + response.body()).isEqualTo(200);
      }
      JsonNode entries = server.debugger(keys, "accepted");
      List<String> types = new ArrayList<>();
      entries.forEach(entry -> types.add(entry.get("type").asText()));
      assertThat(types).containsExactlyInAnyOrder(
          "track", "identify", "group", "page", "screen", "alias", "track", "identify", "group", "page", "screen", "alias");
    }
  }

  @Nested
  class Authentication {
    @Test
    void basicAuthWithApiKeyAndAuthKeyWorks() {
      HttpResponse<String> response =
          server.post("/v1/track", track("A").json(), "Authorization", TestServer.basic(keys.apiKey(), keys.authKey()));
      assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void writeKeyInTheBatchBodyWorks() {
      String body = "{\"writeKey\":\"" + keys.writeKey() + "\",\"batch\":[" + track("A").json() + "]}";
      assertThat(server.post("/v1/batch", body).statusCode()).isEqualTo(200);
    }

    @Test
    void wrongKeysAre401WithoutSayingWhichKey() {
      Keys other = server.createWorkspace("Other");
      HttpResponse<String> mixed = server.post("/v1/" + other.authKey() + "/" + keys.apiKey(), track("A").json());
      HttpResponse<String> unknown = server.post("/v1/batch", "{\"batch\":[]}", "Authorization", TestServer.basic("us_wk_unknown", ""));
      for (HttpResponse<String> response : List.of(mixed, unknown)) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).get("reason").asText()).doesNotContain("api").doesNotContain("auth key");
        assertThat(json(response).has("field")).isFalse();
      }
    }

    @Test
    void missingCredentialsAre401() {
      HttpResponse<String> response = server.post("/v1/track", track("A").json());
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(json(response).get("reason").asText()).contains("write key");
    }

    @Test
    void keyOfTheOtherRegionIs421() {
      HttpResponse<String> response =
          server.post("/v1/batch", "{\"batch\":[]}", "Authorization", TestServer.basic("eu_wk_abc", ""));
      assertThat(response.statusCode()).isEqualTo(421);
      assertThat(json(response).get("reason").asText()).contains("eu region");
    }

    @Test
    void signedWorkspaceRequiresAValidHmacSignature() {
      TestServer.cli("workspace", "set-webhook-secret", "--workspace", keys.workspace(), "--secret", "shh", "--data", server.dataDir.toString());
      String body = track("A").messageId("h1").json();
      String good = HexFormat.of().formatHex(Signatures.hmacSha1("shh", body.getBytes(StandardCharsets.UTF_8)));
      // The server caches credentials briefly; a new workspace's first request reads them fresh.
      assertThat(server.post(nativePath(), body).statusCode()).isEqualTo(401);
      assertThat(server.post(nativePath(), body, "X-Signature", "00ff").statusCode()).isEqualTo(401);
      assertThat(server.post(nativePath(), body, "X-Signature", good).statusCode()).isEqualTo(200);
      assertThat(storedMessageIds()).containsExactly("h1");
    }
  }

  @Nested
  class Responses {
    @Test
    void batchWithInvalidEventsAnswers200ListingEachRejection() {
      String body = "{\"batch\":[" + track("A").messageId("ok1").json() + ","
          + track("B").messageId("bad1").without("userId").json() + ","
          + track("C").messageId("bad2").at("not a time").json() + "]}";
      HttpResponse<String> response = postWithWriteKey("/v1/batch", body);
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode answer = json(response);
      assertThat(answer.get("success").asBoolean()).isTrue();
      assertThat(answer.get("accepted").asInt()).isEqualTo(1);
      assertThat(answer.get("rejected")).hasSize(2);
      assertThat(answer.at("/rejected/0/index").asInt()).isEqualTo(1);
      assertThat(answer.at("/rejected/0/messageId").asText()).isEqualTo("bad1");
      assertThat(answer.at("/rejected/0/field").asText()).isEqualTo("userId");
      assertThat(answer.at("/rejected/1/field").asText()).isEqualTo("originalTimestamp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-292275055-05-16T16:47:04.192Z", "-999999999-01-01T00:00:00Z"})
    void eventTimesBefore1970AreRefusedAndProcessingGoesOn(String time) {
      for (String messageId : List.of("edge-1", "edge-2")) {
        HttpResponse<String> refused = postWithWriteKey("/v1/track", track("A").messageId(messageId).at(time).json());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(json(refused).get("field").asText()).isEqualTo("originalTimestamp");
        assertThat(json(refused).get("reason").asText()).contains("before 1970");
      }
      String body = "{\"batch\":[" + track("B").messageId("edge-in-batch").at(time).json() + ","
          + track("C").messageId("fine").json() + "]}";
      HttpResponse<String> batch = postWithWriteKey("/v1/batch", body);
      assertThat(batch.statusCode()).as("one event's time never fails the others").isEqualTo(200);
      assertThat(json(batch).get("accepted").asInt()).isEqualTo(1);
      String nativeEvent = "{\"user_id\":\"u1\",\"created_at\":-9223372036854775808,\"feature\":\"F\"}";
      assertThat(server.post(nativePath(), nativeEvent).statusCode()).isEqualTo(400);
      server.awaitProcessed(keys);
      assertThat(server.stats(keys).get("processed").asInt()).isEqualTo(1);
      assertThat(server.stats(keys).get("failed").asInt()).isZero();
    }

    @Test
    void singleInvalidEventAnswers400WithFieldAndReason() {
      HttpResponse<String> response = postWithWriteKey("/v1/track", track("A").without("userId").json());
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(json(response).get("field").asText()).isEqualTo("userId");
      assertThat(json(response).get("reason").asText()).contains("userId is required");
    }

    @Test
    void badJsonAnswers400WithLineAndColumn() {
      HttpResponse<String> response = postWithWriteKey("/v1/track", "{\"type\":\"track\",\n\"event\": nope}");
      assertThat(response.statusCode()).isEqualTo(400);
      JsonNode error = json(response);
      assertThat(error.get("line").asInt()).isEqualTo(2);
      assertThat(error.get("column").asInt()).isEqualTo(10);
    }

    @Test
    void requestOver500KbIs413() {
      StringBuilder body = new StringBuilder("{\"batch\":[");
      while (body.length() < 520_000) {
        body.append(track("A").set("properties.pad", "x".repeat(10_000)).json()).append(',');
      }
      body.append(track("A").json()).append("]}");
      HttpResponse<String> response = postWithWriteKey("/v1/batch", body.toString());
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(json(response).get("reason").asText()).contains("500 KB");
    }

    @Test
    void gzipBombOver500KbInflatedIs413() {
      String huge = "{\"batch\":[" + track("A").json() + "]," + "\"pad\":\"" + "x".repeat(600_000) + "\"}";
      HttpResponse<String> response =
          server.post("/v1/batch", gzip(huge), "Authorization", keys.basicWriteKey(), "Content-Encoding", "gzip");
      assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void singleEventOver32KbIs413AndInABatchOnlyThatEventIsRejected() {
      String big = track("A").set("properties.pad", "x".repeat(33_000)).json();
      assertThat(postWithWriteKey("/v1/track", big).statusCode()).isEqualTo(413);
      HttpResponse<String> batch = postWithWriteKey("/v1/batch", "{\"batch\":[" + big + "," + track("B").json() + "]}");
      assertThat(batch.statusCode()).isEqualTo(200);
      assertThat(json(batch).get("accepted").asInt()).isEqualTo(1);
      assertThat(json(batch).at("/rejected/0/reason").asText()).contains("32 KB");
    }

    @Test
    void repeatedMessageIdIsCountedAsDuplicateAndStoredOnce() {
      String event = track("A").messageId("dup-1").json();
      assertThat(json(postWithWriteKey("/v1/track", event)).get("accepted").asInt()).isEqualTo(1);
      JsonNode again = json(postWithWriteKey("/v1/track", event));
      assertThat(again.get("accepted").asInt()).isZero();
      assertThat(again.get("duplicates").asInt()).isEqualTo(1);
      assertThat(storedMessageIds()).containsExactly("dup-1");
      assertThat(server.stats(keys).get("duplicates").asInt()).isEqualTo(1);
    }

    @Test
    void retriedEventWithoutMessageIdIsStoredOnce() {
      String event = track("A").without("messageId").json();
      postWithWriteKey("/v1/track", event);
      JsonNode again = json(postWithWriteKey("/v1/track", event));
      assertThat(again.get("duplicates").asInt()).isEqualTo(1);
      assertThat(storedMessageIds()).singleElement().asString().startsWith("derived-");
    }
  }
}
