package dev.uptake.server.query;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/events}: filters, newest-received-first pages, CSV, refusals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventsApiTest {

  TestServer server;
  Keys keys;

  /** Sent one request each, in this order: e1 … e7. */
  @BeforeAll
  void workspace(@TempDir Path dir) {
    server = TestServer.start(dir);
    keys = server.createWorkspace("Acme Analytics");
    server.sendProcessed(keys, Events.group("acme").user("u1").at("2024-05-01T08:00:00Z").messageId("e1"));
    server.sendProcessed(keys, Events.track("Open").user("u1").account("acme").at("2024-05-01T09:00:00Z").messageId("e2"));
    server.sendProcessed(keys, Events.track("Open").user("u1").at("2024-05-02T09:00:00Z").messageId("e3")); // acme through u1's link
    server.sendProcessed(keys, Events.track("Export").user("u2").account("globex").at("2024-05-02T10:00:00Z").messageId("e4"));
    server.sendProcessed(keys, Events.page("Home").user("u2").at("2024-05-03T09:00:00Z").messageId("e5"));
    server.sendProcessed(keys, Events.identify().user("u1").at("2024-05-03T23:30:00Z").messageId("e6"));
    server.sendProcessed(keys, Events.track("Share").user("u3").account("acme").at("2024-05-04T09:00:00Z").messageId("e7"));
  }

  @AfterAll
  void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  @Test
  void newestReceivedFirst() {
    assertThat(ids(list(""))).containsExactly("e7", "e6", "e5", "e4", "e3", "e2", "e1");
    JsonNode first = list("limit=1").get("events").get(0);
    assertThat(first.get("type").asText()).isEqualTo("track");
    assertThat(first.get("accountId").asText()).isEqualTo("acme");
    assertThat(first.get("name").asText()).isEqualTo("Share");
    assertThat(first.get("eventTime").asText()).isEqualTo("2024-05-04T09:00:00Z");
    assertThat(first.at("/payload/event").asText()).as("the payload as JSON").isEqualTo("Share");
  }

  @Test
  void filtersKeepOnlyWhatTheyName() {
    assertThat(ids(list("accountId=acme"))).as("naming acme, or u1's without an account")
        .containsExactly("e7", "e6", "e3", "e2", "e1");
    assertThat(ids(list("userId=u2"))).containsExactly("e5", "e4");
    assertThat(ids(list("type=track"))).containsExactly("e7", "e4", "e3", "e2");
    assertThat(ids(list("from=2024-05-02&to=2024-05-03"))).as("days, both inclusive").containsExactly("e6", "e5", "e4", "e3");
    assertThat(ids(list("from=2024-05-02T09:30:00Z&to=2024-05-03T09:00:00Z"))).as("to exclusive").containsExactly("e4");
    assertThat(ids(list("accountId=acme&type=track&from=2024-05-02"))).containsExactly("e7", "e3");
    assertThat(ids(list("userId=nobody"))).isEmpty();
  }

  @Test
  void pagesWalkTheListOnce() {
    List<String> walked = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = list("limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      walked.addAll(ids(page));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
    } while (cursor != null);
    assertThat(walked).containsExactly("e7", "e6", "e5", "e4", "e3", "e2", "e1");
    assertThat(list("limit=7").get("nextCursor").isNull()).as("no page after the last").isTrue();
  }

  @Test
  void csvReadsBackAsTheJson() throws Exception {
    HttpResponse<String> csv = server.get("/api/v1/events?format=csv&userId=u2", "Authorization", keys.bearer());
    List<Map<String, String>> rows = Csv.read(csv.body());
    assertThat(rows).extracting(row -> row.get("messageId")).containsExactly("e5", "e4");
    assertThat(rows.get(1).get("accountId")).isEqualTo("globex");
    assertThat(TestServer.JSON.readTree(rows.get(1).get("payload")).get("event").asText()).isEqualTo("Export");
  }

  @Test
  void badParametersAreRefusedWithTheirName() {
    for (String[] bad : new String[][] {{"type=click", "type"}, {"from=yesterday", "from"}, {"to=2024-13-01", "to"},
        {"cursor=abc", "cursor"}, {"limit=5000", "limit"}}) {
      HttpResponse<String> response = server.get("/api/v1/events?" + bad[0], "Authorization", keys.bearer());
      assertThat(response.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(json(response).get("field").asText()).as(bad[0]).isEqualTo(bad[1]);
    }
  }

  private JsonNode list(String query) {
    HttpResponse<String> response = server.get("/api/v1/events?" + query, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
    return json(response);
  }

  private static List<String> ids(JsonNode list) {
    List<String> ids = new ArrayList<>();
    list.get("events").forEach(event -> ids.add(event.get("messageId").asText()));
    return ids;
  }
}
