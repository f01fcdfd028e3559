package dev.uptake.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET}/{@code PUT /api/v1/health}: the example is taken as given, faults are refused with their path. */
class HealthModelApiTest {

  static final String EXAMPLE = "{\"bands\":{\"red\":30,\"yellow\":70},\"profiles\":[{\"name\":\"Enterprise\",\"when\":"
      + "{\"tier\":[\"Gold\"]},\"seatsDimension\":\"seats\",\"groups\":[{\"name\":\"Engagement\",\"weight\":3,\"measures\":"
      + "[{\"metric\":\"activeUsers30d\",\"zeroAt\":0,\"fullAt\":20},{\"metric\":\"daysSinceLastSeen\",\"zeroAt\":14,"
      + "\"fullAt\":1,\"weight\":2}]}]}]}";

  @TempDir Path dir;

  @Test
  void aModelIsSavedAsGivenAndRefusedWhereItIsWrong() {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      String admin = keys.bearer();
      JsonNode none = TestServer.json(server.get("/api/v1/health", "Authorization", admin));
      assertThat(none.get("profiles")).isEmpty();

      HttpResponse<String> unknownTier = server.put("/api/v1/health", EXAMPLE, "Authorization", admin);
      assertThat(unknownTier.statusCode()).isEqualTo(400);
      assertThat(TestServer.json(unknownTier).get("field").asText()).isEqualTo("profiles[0].when.tier[0]");

      assertThat(server.put("/api/v1/settings", "{\"tiers\":[\"Gold\",\"Silver\"],\"dimensions\":[{\"name\":\"seats\","
          + "\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"}]}", "Authorization", admin).statusCode()).isEqualTo(200);
      HttpResponse<String> saved = server.put("/api/v1/health", EXAMPLE, "Authorization", admin);
      assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
      JsonNode read = TestServer.json(server.get("/api/v1/health", "Authorization", admin));
      assertThat(read).isEqualTo(TestServer.json(saved));
      assertThat(read.at("/profiles/0/groups/0/measures/1/weight").asDouble()).isEqualTo(2);
      assertThat(read.at("/profiles/0/groups/0/measures/0/weight").asDouble()).as("default").isEqualTo(1);
      assertThat(read.at("/profiles/0/when/tier/0").asText()).isEqualTo("Gold");

      HttpResponse<String> wrongMetric = server.put("/api/v1/health", EXAMPLE.replace("daysSinceLastSeen", "daysSince"),
          "Authorization", admin);
      assertThat(wrongMetric.statusCode()).isEqualTo(400);
      assertThat(TestServer.json(wrongMetric).get("field").asText()).isEqualTo("profiles[0].groups[0].measures[1].metric");
      assertThat(TestServer.json(wrongMetric).get("reason").asText()).contains("daysSince").contains("daysSinceLastSeen");
      assertThat(TestServer.json(server.get("/api/v1/health", "Authorization", admin))).as("unchanged").isEqualTo(read);

      HttpResponse<String> negative = server.put("/api/v1/health", EXAMPLE.replace("\"weight\":3", "\"weight\":-3"),
          "Authorization", admin);
      assertThat(TestServer.json(negative).get("field").asText()).isEqualTo("profiles[0].groups[0].weight");
      assertThat(server.put("/api/v1/health", "{not json", "Authorization", admin).statusCode()).isEqualTo(400);
      assertThat(server.get("/api/v1/health").statusCode()).isEqualTo(401);
    }
  }
}
