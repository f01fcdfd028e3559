package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.store.fixtures.Backend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code uptake serve} processes on one PostgreSQL database: both take events and answer
 * queries, one processes while the other stands by; when the processing one is killed (SIGKILL),
 * the other takes over, and every event either of them acknowledged is processed once.
 */
class SharedDatabaseTest {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  @Test
  void secondServerTakesOverProcessingWhenTheFirstIsKilled() throws Exception {
    List<String> store = Backend.POSTGRESQL.args(dir);
    Keys keys = Keys.of(TestServer.cliExactly("workspace", "create", "--name", "Acme", store.get(0), store.get(1)));
    keysHeader = keys.basicWriteKey();
    CrashTest.ServerProcess first = CrashTest.ServerProcess.start(store);
    CrashTest.ServerProcess second = CrashTest.ServerProcess.start(store);
    try {
      for (int i = 0; i < 20; i++) {
        CrashTest.ServerProcess to = i % 2 == 0 ? first : second;
        assertThat(send(to, Events.track("Open").user("u" + i % 3).messageId("before-" + i)).statusCode()).isEqualTo(200);
      }
      CrashTest.waitUntil(() -> processed(second, keys) == 20, Duration.ofSeconds(30));
      CrashTest.ServerProcess processing = processorOf(first).equals("ok") ? first : second;
      CrashTest.ServerProcess standby = processing == first ? second : first;
      assertThat(processorOf(standby)).startsWith("standby");

      processing.process().destroyForcibly().waitFor();
      for (int i = 0; i < 10; i++) {
        assertThat(send(standby, Events.track("Open").user("u" + i % 3).messageId("after-" + i)).statusCode()).isEqualTo(200);
      }
      CrashTest.waitUntil(() -> processed(standby, keys) == 30, Duration.ofSeconds(60));
      assertThat(processorOf(standby)).isEqualTo("ok");
      JsonNode stats = stats(standby, keys);
      assertThat(stats.get("accepted").asInt()).isEqualTo(30);
      assertThat(stats.get("duplicates").asInt()).isZero();
      assertThat(get(standby, keys, "/api/v1/users/u0").get("id").asText()).isEqualTo("u0");
    } finally {
      first.process().destroyForcibly().waitFor();
      second.process().destroyForcibly().waitFor();
    }
  }

  private HttpResponse<String> send(CrashTest.ServerProcess server, Events event) {
    return request(server, HttpRequest.newBuilder(URI.create(url(server, "/v1/track")))
        .POST(HttpRequest.BodyPublishers.ofString(event.json())).header("Authorization", keysHeader));
  }

  private String keysHeader;

  private static String url(CrashTest.ServerProcess server, String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  private static HttpResponse<String> request(CrashTest.ServerProcess server, HttpRequest.Builder request) {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode get(CrashTest.ServerProcess server, Keys keys, String path) {
    HttpResponse<String> response = request(server, HttpRequest.newBuilder(URI.create(url(server, path))).GET()
        .header("Authorization", keys.bearer()));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return TestServer.json(response);
  }

  private static JsonNode stats(CrashTest.ServerProcess server, Keys keys) {
    return get(server, keys, "/api/v1/stats");
  }

  private static int processed(CrashTest.ServerProcess server, Keys keys) {
    return stats(server, keys).get("processed").asInt();
  }

  private static String processorOf(CrashTest.ServerProcess server) {
    HttpResponse<String> ready = request(server, HttpRequest.newBuilder(URI.create(url(server, "/health/ready"))).GET());
    return TestServer.json(ready).get("checks").get("processor").asText();
  }
}
