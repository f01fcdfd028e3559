package dev.uptake.server.query;

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

/** Saved views through the API: a name, the accounts list's query and columns, checked as the list checks them. */
class SavedViewsApiTest {

  @TempDir Path dir;

  @Test
  void viewsAreSavedListedChangedAndDeleted() {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      HttpResponse<String> created = server.post("/api/v1/views", "{\"name\":\"At risk\",\"query\":\"healthBand=red&sort=health"
          + "&order=asc\",\"columns\":[\"name\",\"health.score\",\"lastSeenAt\"]}", "Authorization", keys.bearer());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonNode view = TestServer.json(created);
      String id = view.get("id").asText();
      assertThat(view.get("query").asText()).isEqualTo("healthBand=red&sort=health&order=asc");
      assertThat(view.get("columns")).hasSize(3);
      // The query is the list's own: it answers as the list does.
      assertThat(server.get("/api/v1/accounts?" + view.get("query").asText(), "Authorization", keys.bearer()).statusCode())
          .isEqualTo(200);

      HttpResponse<String> changed = server.put("/api/v1/views/" + id, "{\"name\":\"Red\",\"query\":\"healthBand=red\"}",
          "Authorization", keys.bearer());
      assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
      JsonNode views = TestServer.json(server.get("/api/v1/views", "Authorization", keys.bearer())).get("views");
      assertThat(views).hasSize(1);
      assertThat(views.at("/0/name").asText()).isEqualTo("Red");
      assertThat(views.at("/0/columns")).isEmpty();

      assertThat(delete(server, keys, "/api/v1/views/" + id).statusCode()).isEqualTo(204);
      assertThat(server.get("/api/v1/views/" + id, "Authorization", keys.bearer()).statusCode()).isEqualTo(404);
      assertThat(server.put("/api/v1/views/" + id, "{\"name\":\"x\"}", "Authorization", keys.bearer()).statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void aWrongFieldIsRefusedWithItsPath() {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      refused(server, keys, "{\"query\":\"\"}", "name");
      refused(server, keys, "{\"name\":\"x\",\"query\":\"sort=colour\"}", "query.sort");
      refused(server, keys, "{\"name\":\"x\",\"query\":\"dimension.arr>5\"}", "query.dimension.arr");
      refused(server, keys, "{\"name\":\"x\",\"columns\":[\"name\",\"shoeSize\"]}", "columns[1]");
      refused(server, keys, "{\"name\":\"x\",\"owner\":\"me\"}", "owner");
      assertThat(TestServer.json(server.get("/api/v1/views", "Authorization", keys.bearer())).get("views")).isEmpty();
    }
  }

  private static void refused(TestServer server, Keys keys, String view, String field) {
    HttpResponse<String> response = server.post("/api/v1/views", view, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(TestServer.json(response).get("field").asText()).as(response.body()).isEqualTo(field);
  }

  private static HttpResponse<String> delete(TestServer server, Keys keys, String path) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path))).DELETE(), "Authorization", keys.bearer());
  }
}
