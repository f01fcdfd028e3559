package dev.uptake.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query route the server registers, walked with another workspace's admin token and the
 * first workspace's ids: none answers anything of the first workspace's (for its ids the 404 an id
 * nobody has gets, lists without its rows), in JSON or CSV.
 */
class WorkspaceIsolationTest {

  @TempDir Path dir;

  @Test
  void noRouteShowsOneWorkspacesDataToAnother() {
    try (TestServer server = TestServer.start(dir)) {
      Keys owner = server.createWorkspace("Owner");
      Keys other = server.createWorkspace("Other");
      String body = "{\"batch\":[" + String.join(",",
          Events.group("secret-account").user("secret-user").set("traits.name", "Secret Co").messageId("secret-m1").json(),
          Events.track("Secret Feature").user("secret-user").account("secret-account").module("Secret Module")
              .messageId("secret-m2").json(),
          "{\"type\":\"track\",\"userId\":\"secret-user\"}") + "]}"; // the last one is rejected: no event name
      HttpResponse<String> sent = server.post("/v1/batch", body, "Authorization", owner.basicWriteKey());
      assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
      server.awaitProcessed(owner);
      String rule = TestServer.json(server.post("/api/v1/alerts/rules", "{\"name\":\"secret rule\",\"kind\":\"quiet\","
          + "\"days\":3}", "Authorization", owner.bearer())).get("id").asText();
      String view = TestServer.json(server.post("/api/v1/views", "{\"name\":\"secret view\",\"query\":\"q=secret\"}",
          "Authorization", owner.bearer())).get("id").asText();

      List<String> queryRoutes = server.routes().stream()
          .filter(route -> route.startsWith("GET /api/v1/"))
          .map(route -> route.substring("GET ".length()))
          .toList();
      assertThat(queryRoutes).hasSizeGreaterThan(10);
      for (String route : queryRoutes) {
        String id = route.startsWith("/api/v1/users/") ? "secret-user" : route.startsWith("/api/v1/alerts/rules/") ? rule
            : route.startsWith("/api/v1/views/") ? view : "secret-account";
        String path = route.replace("{id}", id);
        HttpResponse<String> mine = server.get(path, "Authorization", owner.bearer());
        assertThat(mine.statusCode()).as("the owner reads " + path).isEqualTo(200);
        for (String accept : List.of("application/json", "text/csv")) {
          HttpResponse<String> theirs = server.get(path, "Authorization", other.bearer(), "Accept", accept);
          if (theirs.statusCode() == 404) {
            // Indistinguishable from an id no workspace has (the answer names the id asked for).
            String nobodys = id.equals(rule) || id.equals(view) ? "999999" : "secret-never-existed";
            String never = route.replace("{id}", nobodys);
            assertThat(theirs.body().replace(path, never).replace("'" + id + "'", "'" + nobodys + "'"))
                .as(path).isEqualTo(server.get(never, "Authorization", other.bearer(), "Accept", accept).body());
          } else {
            assertThat(theirs.statusCode()).as(path).isEqualTo(200);
            assertThat(theirs.body()).as(path + " (" + accept + ")").doesNotContainIgnoringCase("secret");
          }
        }
      }
    }
  }
}
