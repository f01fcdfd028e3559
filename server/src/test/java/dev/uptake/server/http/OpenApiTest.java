package dev.uptake.server.http;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.server.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /openapi.json} documents every {@code /v1}, {@code /api/v1} and {@code /api/v2} route the server registers (and nothing it does not), {@code /api} shows them, and any other path says where they are. */
class OpenApiTest {

  @TempDir Path dir;

  @Test
  void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteExists() {
    try (TestServer server = TestServer.start(dir)) {
      HttpResponse<String> response = server.get("/openapi.json");
      assertThat(response.statusCode()).as("no credentials needed").isEqualTo(200);
      JsonNode paths = json(response).get("paths");

      List<String> registered = new ArrayList<>();
      for (String route : server.routes()) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1);
        if (List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
          registered.add(method.toLowerCase(Locale.ROOT) + " " + path);
        }
      }
      List<String> documented = new ArrayList<>();
      paths.properties().forEach(path -> path.getValue().properties()
          .forEach(operation -> documented.add(operation.getKey() + " " + path.getKey())));

      List<String> api = registered.stream()
          .filter(route -> route.contains(" /v1/") || route.contains(" /api/v1/") || route.contains(" /api/v2/")).toList();
      assertThat(api).hasSizeGreaterThan(20);
      assertThat(documented).as("every API route documented").containsAll(api);
      assertThat(registered).as("nothing documented that is not there").containsAll(documented);
      paths.properties().forEach(path -> path.getValue().properties().forEach(operation -> {
        assertThat(operation.getValue().path("summary").asText()).as(path.getKey()).isNotBlank();
        assertThat(operation.getValue().get("responses")).as(path.getKey()).isNotEmpty();
      }));
    }
  }

  @Test
  void theApiPageListsEveryRoute() {
    try (TestServer server = TestServer.start(dir)) {
      HttpResponse<String> page = server.get("/api");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
      json(server.get("/openapi.json")).get("paths").fieldNames()
          .forEachRemaining(path -> assertThat(page.body()).contains(path.replace("&", "&amp;")));
    }
  }

  @Test
  void anUnknownRouteAnswersTheOneErrorShapeAndPointsToTheList() {
    try (TestServer server = TestServer.start(dir)) {
      HttpResponse<String> response = server.get("/api/v1/nothing-here");
      assertThat(response.statusCode()).isEqualTo(404);
      JsonNode error = json(response);
      assertThat(error.get("error").asText()).isEqualTo("not_found");
      assertThat(error.get("reason").asText()).contains("GET /api/v1/nothing-here").contains("/api");
    }
  }
}
