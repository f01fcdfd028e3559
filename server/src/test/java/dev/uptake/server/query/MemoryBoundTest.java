package dev.uptake.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.server.config.MemoryBudget;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the smallest memory budget, workspaces whose accounts lists do not fit together are
 * evicted and loaded again, and every list still answers exactly what processing committed.
 */
class MemoryBoundTest {

  static final int ACCOUNTS = 1_000; // 4.5 MB estimated: one workspace fits the 6 MiB share of a 16m budget, two do not

  @TempDir Path dir;

  @Test
  void evictedWorkspacesListTheSameAccountsAsBefore() {
    try (TestServer server = TestServer.start(dir, MemoryBudget.parse("16m"))) {
      Keys first = server.createWorkspace("First");
      Keys second = server.createWorkspace("Second");
      fill(server, first, "f");
      fill(server, second, "s");

      assertThat(total(server, first)).isEqualTo(ACCOUNTS);
      assertThat(total(server, second)).isEqualTo(ACCOUNTS);
      send(server, first, "{\"type\":\"group\",\"userId\":\"late\",\"groupId\":\"f-new\",\"traits\":{\"name\":\"New\","
          + "\"createdAt\":\"2024-01-01T00:00:00Z\"},\"originalTimestamp\":\"" + Instant.now() + "\"}");
      server.awaitProcessed(first);
      assertThat(total(server, first)).as("loaded again, caught up").isEqualTo(ACCOUNTS + 1);
      assertThat(total(server, second)).isEqualTo(ACCOUNTS);
      assertThat(metric(server, "uptake_cache_evictions_total{cache=\"accounts\"}")).as("evictions").isPositive();
      assertThat(metric(server, "uptake_cache_bytes{cache=\"accounts\"}"))
          .isLessThanOrEqualTo(metric(server, "uptake_cache_max_bytes{cache=\"accounts\"}"));
    }
  }

  private static int total(TestServer server, Keys keys) {
    HttpResponse<String> response = server.get("/api/v1/accounts?limit=1", "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode list = TestServer.json(response);
    return list.get("total").asInt();
  }

  private static void fill(TestServer server, Keys keys, String prefix) {
    StringBuilder body = new StringBuilder();
    for (int a = 0; a < ACCOUNTS; a++) {
      body.append("{\"type\":\"group\",\"userId\":\"").append(prefix).append("-u").append(a).append("\",\"groupId\":\"")
          .append(prefix).append('-').append(a).append("\",\"traits\":{\"name\":\"Account ").append(a)
          .append("\",\"createdAt\":\"2024-01-01T00:00:00Z\"},\"originalTimestamp\":\"").append(Instant.now()).append("\"}\n");
      if (body.length() > 200_000) {
        send(server, keys, body.toString());
        body.setLength(0);
      }
    }
    send(server, keys, body.toString());
    server.awaitProcessed(keys);
  }

  private static void send(TestServer server, Keys keys, String ndjson) {
    HttpResponse<String> response = server.post("/v1/" + keys.authKey() + "/" + keys.apiKey(), ndjson);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static double metric(TestServer server, String series) {
    Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(server.get("/metrics").body());
    assertThat(value.find()).as("%s in /metrics", series).isTrue();
    return Double.parseDouble(value.group(1));
  }
}
