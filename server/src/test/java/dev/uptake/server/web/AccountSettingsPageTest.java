package dev.uptake.server.web;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The account settings form: saved as the API saves them, refused next to the field, admins only. */
class AccountSettingsPageTest {

  @TempDir Path dir;
  TestServer server;
  Keys keys;
  WebClient admin;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    keys = server.createWorkspace("Acme");
    admin = new WebClient(server);
    assertThat(admin.signIn(keys.adminEmail(), keys.adminPassword()).statusCode()).isEqualTo(303);
  }

  @AfterEach
  void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  @Test
  void savedSettingsAreTheApisSettings() {
    HttpResponse<String> saved = admin.post("/settings/account", form(Map.of(
        "tiers", "Gold\r\nSilver\r\n", "timeZone", "Europe/Berlin", "sessionTimeoutMinutes", "45",
        "dimension-name", "seats", "dimension-type", "number", "dimension-source", "group", "dimension-trait", "seats")));
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(303);
    assertThat(admin.get(saved.headers().firstValue("Location").orElseThrow()).body()).contains("Saved.");

    JsonNode settings = json(server.get("/api/v1/settings", "Authorization", keys.bearer()));
    assertThat(settings.get("tiers")).extracting(JsonNode::asText).containsExactly("Gold", "Silver");
    assertThat(settings.get("timeZone").asText()).isEqualTo("Europe/Berlin");
    assertThat(settings.get("sessionTimeoutMinutes").asInt()).isEqualTo(45);
    assertThat(settings.at("/dimensions/0/name").asText()).isEqualTo("seats");
    assertThat(settings.at("/dimensions/0/type").asText()).isEqualTo("number");
  }

  @Test
  void aRefusalIsShownNextToItsFieldWithWhatWasTyped() {
    HttpResponse<String> refused = admin.post("/settings/account", form(Map.of("timeZone", "Mars/Olympus")));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("id=\"timeZone-error\"").contains("IANA time zone").contains("value=\"Mars/Olympus\"");

    HttpResponse<String> timeout = admin.post("/settings/account", form(Map.of("sessionTimeoutMinutes", "soon")));
    assertThat(timeout.statusCode()).isEqualTo(400);
    assertThat(timeout.body()).contains("id=\"sessionTimeoutMinutes-error\"").contains("whole number");

    HttpResponse<String> dimension = admin.post("/settings/account", form(Map.of(
        "dimension-name", "seats", "dimension-type", "number", "dimension-source", "group", "dimension-trait", "")));
    assertThat(dimension.statusCode()).isEqualTo(400);
    assertThat(dimension.body()).contains("dimensions[0].trait");
    assertThat(json(server.get("/api/v1/settings", "Authorization", keys.bearer())).get("timeZone").asText())
        .as("nothing saved").isEqualTo("UTC");
  }

  @Test
  void viewersReadButCannotSave() {
    JsonNode viewer = TestServer.cli("user", "add", "--workspace", keys.workspace(), "--email", "vera@acme.test",
        "--data", dir.toString());
    WebClient browser = new WebClient(server);
    browser.signIn("vera@acme.test", viewer.get("password").asText());
    String page = browser.get("/settings/account").body();
    assertThat(page).contains("Only workspace admins change these settings").doesNotContain("id=\"save\"");
    Map<String, String> form = new HashMap<>(Map.of("timeZone", "Europe/Berlin", "csrf", browser.csrf(page)));
    assertThat(browser.post("/settings/account", form).statusCode()).isEqualTo(403);
    assertThat(admin.post("/settings/account", Map.of("timeZone", "Europe/Berlin")).statusCode()).as("no CSRF token").isEqualTo(403);
  }

  /** The form as the page sends it, with the session's CSRF token and defaults for what is not given. */
  private Map<String, String> form(Map<String, String> values) {
    Map<String, String> form = new HashMap<>(Map.of("csrf", admin.csrf(admin.get("/settings/account").body()),
        "tiers", "", "lifecycleStages", "", "sessionTimeoutMinutes", "30", "idleThresholdMinutes", "5", "timeZone", "UTC",
        "dimension-name", "", "dimension-type", "string", "dimension-source", "group", "dimension-trait", ""));
    form.putAll(values);
    return form;
  }
}
