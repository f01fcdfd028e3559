package dev.uptake.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.server.web.WebClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workspace's own mapping: each target read from the first present path, pages as features,
 * excluded events stored but not activity, renamed features, every refusal naming its entry, the
 * preview, and the Mappings section of Account settings.
 */
class MappingsApiTest {

  static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");
  static final String MAPPING = "{\"module\":[\"properties.section\",\"properties.module\"],"
      + "\"feature\":[\"properties.action\",\"event\"],\"account\":[\"properties.org\"],"
      + "\"sessionKey\":[\"properties.tab\",\"anonymousId\"],"
      + "\"pages\":{\"feature\":[\"properties.title\"],\"module\":[\"properties.category\"]},"
      + "\"exclude\":[\"Heartbeat\"],\"rename\":{\"Dash Viewed\":\"Viewed Dashboard\"}}";

  @TempDir Path dir;
  TestServer server;
  Keys keys;

  @BeforeEach
  void start() {
    server = TestServer.start(dir, new TestClock(NOW));
    keys = server.createWorkspace("Acme");
  }

  @AfterEach
  void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  @Test
  void theDefaultIsTheContractsMapping() {
    JsonNode mapping = get("/api/v1/mappings");
    assertThat(mapping.get("module").toString()).isEqualTo("[\"properties.module\"]");
    assertThat(mapping.get("feature").toString()).isEqualTo("[\"event\"]");
    assertThat(mapping.get("account").toString()).isEqualTo("[\"groupId\",\"context.groupId\",\"properties.groupId\"]");
    assertThat(mapping.get("sessionKey").toString()).isEqualTo("[\"anonymousId\",\"userId\"]");
    assertThat(mapping.at("/pages/feature")).isEmpty();
  }

  @Test
  void eachTargetIsReadFromTheFirstPresentPathAndExcludedEventsAreNobodysActivity() {
    put(MAPPING, 200);
    server.sendProcessed(keys,
        Events.track("Dash Viewed").user("ana").session("s1").set("properties.section", "Billing")
            .set("properties.org", "acme").set("properties.tab", "t1").at("2024-06-14T10:00:00Z"),
        Events.track("Export").user("ana").session("s1").set("properties.action", "Export CSV").module("Legacy")
            .set("properties.org", "acme").set("properties.tab", "t1").at("2024-06-14T10:05:00Z"),
        Events.page("Pricing page").user("ana").session("s1").set("properties.title", "Pricing")
            .set("properties.category", "Marketing").set("properties.org", "acme").set("properties.tab", "t1")
            .at("2024-06-14T10:07:00Z"),
        Events.track("Heartbeat").user("ana").session("s1").set("properties.org", "acme").set("properties.tab", "t1")
            .at("2024-06-14T10:20:00Z"),
        Events.track("Open").user("ana").session("s2").account("ignored").at("2024-06-14T11:00:00Z"));

    JsonNode features = get("/api/v1/accounts/acme/features?from=2024-06-14&to=2024-06-14").get("features");
    List<String> named = new ArrayList<>();
    features.forEach(feature -> named.add(feature.get("module").asText() + "/" + feature.get("feature").asText()));
    assertThat(named).as("Open names no account the mapping reads: it counts for ana's, acme")
        .containsExactlyInAnyOrder("Billing/Viewed Dashboard", "Legacy/Export CSV", "Marketing/Pricing", "(none)/Open");
    JsonNode sessions = get("/api/v1/users/ana/sessions").get("sessions");
    assertThat(sessions).hasSize(2);
    JsonNode tab = sessions.get(1);
    assertThat(tab.get("sessionKey").asText()).isEqualTo("t1");
    assertThat(tab.get("accountId").asText()).isEqualTo("acme");
    assertThat(tab.get("durationSeconds").asDouble()).as("the Heartbeat at 10:20 is not activity").isEqualTo(420.0);
    assertThat(tab.at("/modules/Billing/durationSeconds").asDouble()).isEqualTo(300.0);
    assertThat(tab.at("/modules/Legacy/durationSeconds").asDouble()).isEqualTo(120.0);
    assertThat(sessions.get(0).get("sessionKey").asText()).as("no tab: anonymousId").isEqualTo("s2");
    assertThat(server.get("/api/v1/accounts/ignored", "Authorization", keys.bearer()).statusCode())
        .as("groupId is not among the mapping's account paths").isEqualTo(404);
    assertThat(server.debugger(keys, null).toString()).as("excluded, yet stored").contains("Heartbeat");
  }

  @Test
  void everyRefusalNamesTheEntry() {
    refused("[]", "body");
    refused("{\"modules\":[\"properties.module\"]}", "modules");
    refused("{\"module\":\"properties.module\"}", "module");
    refused("{\"module\":[\"properties.module\",\"payload.module\"]}", "module[1]");
    refused("{\"account\":[\"properties..org\"]}", "account[0]");
    refused("{\"feature\":[\"event\",\"event\"]}", "feature");
    refused("{\"pages\":[\"name\"]}", "pages");
    refused("{\"pages\":{\"feature\":[3]}}", "pages.feature[0]");
    refused("{\"exclude\":[\"\"]}", "exclude[0]");
    refused("{\"rename\":{\"Dash Viewed\":\"\"}}", "rename.Dash Viewed");
    assertThat(get("/api/v1/mappings").get("module").toString()).as("nothing saved").isEqualTo("[\"properties.module\"]");
  }

  @Test
  void aPreviewReadsTheLatestEventsUnderAMappingWithoutSavingIt() {
    server.sendProcessed(keys, Events.track("Dash Viewed").user("ana").set("properties.section", "Billing")
        .set("properties.org", "acme").at("2024-06-14T10:00:00Z"));
    HttpResponse<String> preview = server.post("/api/v1/mappings/preview", MAPPING, "Authorization", keys.bearer());
    assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
    JsonNode row = TestServer.json(preview).at("/events/0");
    assertThat(row.get("module").asText()).isEqualTo("Billing");
    assertThat(row.get("feature").asText()).isEqualTo("Viewed Dashboard");
    assertThat(row.get("account").asText()).isEqualTo("acme");
    assertThat(row.get("excluded").asBoolean()).isFalse();
    assertThat(get("/api/v1/mappings").get("module").toString()).isEqualTo("[\"properties.module\"]");
    HttpResponse<String> bad = server.post("/api/v1/mappings/preview", "{\"module\":[\"x\"]}", "Authorization", keys.bearer());
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  @Test
  void accountSettingsEditsTheMappingWithALivePreview() {
    server.sendProcessed(keys, Events.track("Dash Viewed").user("ana").set("properties.section", "Billing")
        .at("2024-06-14T10:00:00Z"));
    WebClient admin = new WebClient(server);
    assertThat(admin.signIn(keys.adminEmail(), keys.adminPassword()).statusCode()).isEqualTo(303);
    String page = admin.get("/settings/account").body();
    assertThat(page).contains("Mappings").contains("id=\"mapping-module\"");
    String csrf = admin.csrf(page);
    Map<String, String> form = Map.of("csrf", csrf, "module", "properties.section\nproperties.module", "feature", "event",
        "account", "groupId", "sessionKey", "anonymousId\nuserId", "rename", "Dash Viewed => Viewed Dashboard");
    String preview = admin.post("/settings/mappings/preview", form).body();
    assertThat(preview).contains("Billing").contains("Viewed Dashboard");

    HttpResponse<String> refused = admin.post("/settings/mappings", Map.of("csrf", csrf, "module", "payload.module"));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("id=\"mapping-module-error\"").contains("payload.module");

    assertThat(admin.post("/settings/mappings", form).statusCode()).isEqualTo(303);
    assertThat(get("/api/v1/mappings").get("module").toString()).isEqualTo("[\"properties.section\",\"properties.module\"]");
    assertThat(get("/api/v1/mappings").at("/rename/Dash Viewed").asText()).isEqualTo("Viewed Dashboard");
  }

  private JsonNode get(String path) {
    HttpResponse<String> response = server.get(path, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return TestServer.json(response);
  }

  private void put(String mapping, int status) {
    HttpResponse<String> response = server.put("/api/v1/mappings", mapping, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
  }

  private void refused(String mapping, String field) {
    HttpResponse<String> response = server.put("/api/v1/mappings", mapping, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(mapping + ": " + response.body()).isEqualTo(400);
    JsonNode error = TestServer.json(response);
    assertThat(error.get("error").asText()).isEqualTo("invalid_mapping");
    assertThat(error.get("field").asText()).as(response.body()).isEqualTo(field);
  }
}
