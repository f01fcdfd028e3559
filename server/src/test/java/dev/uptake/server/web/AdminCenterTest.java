package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IT Administration Center: keys and URLs to paste, the auth key for admins only, rotation, the live line. */
class AdminCenterTest {

  @TempDir Path dir;
  TestServer server;
  Keys keys;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    keys = server.createWorkspace("Acme Analytics");
  }

  @AfterEach
  void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  @Test
  void anAdminSeesTheKeysAndEndpointsAndRevealsTheAuthKeyOnRequest() {
    WebClient admin = signedIn(keys.adminEmail(), keys.adminPassword());
    String page = admin.get("/settings").body();
    assertThat(page).contains(keys.apiKey()).contains(keys.writeKey()).contains(server.url("/v1/batch"))
        .contains(">us<").doesNotContain(keys.authKey()).containsPattern("<code id=\"account-api-key\">us_acct_\\w{32}</code>");
    assertThat(page).as("the browser collector's snippet, filled in")
        .contains(server.url("/uptake.js")).contains("uptake.init({writeKey: \"" + keys.writeKey() + "\"})");
    HttpResponse<String> revealed = admin.get("/settings/auth-key");
    assertThat(revealed.statusCode()).isEqualTo(200);
    assertThat(revealed.body()).contains(keys.authKey()).contains(server.url("/v1/" + keys.authKey() + "/" + keys.apiKey()));
  }

  @Test
  void aViewerNeverGetsTheAuthKeyNorRotates() {
    JsonNode viewer = TestServer.cli("user", "add", "--workspace", keys.workspace(), "--email", "vera@acme.test",
        "--data", dir.toString());
    WebClient browser = signedIn("vera@acme.test", viewer.get("password").asText());
    String page = browser.get("/settings").body();
    assertThat(page).contains(keys.apiKey()).doesNotContain(keys.authKey()).doesNotContain("Issue new keys")
        .doesNotContain("_acct_");
    assertThat(browser.get("/settings/auth-key").statusCode()).isEqualTo(403);
    HttpResponse<String> rotate = browser.post("/settings/keys/rotate", Map.of("csrf", browser.csrf(page), "grace", "7d"));
    assertThat(rotate.statusCode()).isEqualTo(403);
    assertThat(browser.get("/settings").body()).as("keys unchanged").contains(keys.apiKey());
  }

  @Test
  void rotationIssuesNewKeysWhileTheOldOnesKeepWorkingForTheGracePeriod() {
    WebClient admin = signedIn(keys.adminEmail(), keys.adminPassword());
    assertThat(admin.post("/settings/keys/rotate", Map.of("grace", "7d")).statusCode()).as("no CSRF token").isEqualTo(403);
    HttpResponse<String> rotated = admin.post("/settings/keys/rotate", Map.of("csrf", admin.csrf(admin.get("/settings").body()), "grace", "7d"));
    assertThat(rotated.statusCode()).isEqualTo(303);
    String page = admin.get(rotated.headers().firstValue("Location").orElseThrow()).body();
    assertThat(page).contains("New keys issued").doesNotContain(keys.apiKey());

    HttpResponse<String> old = server.post("/v1/" + keys.authKey() + "/" + keys.apiKey(), Events.track("Open").json());
    assertThat(old.statusCode()).as("the old keys within their grace").isEqualTo(200);
  }

  @Test
  void theLiveLineCountsWhatArrives() {
    WebClient admin = signedIn(keys.adminEmail(), keys.adminPassword());
    assertThat(admin.get("/settings/live").body()).startsWith("No events yet");
    server.sendProcessed(keys, Events.track("Open"), Events.track("Export"));
    assertThat(admin.get("/settings/live").body()).startsWith("2 events received in the last minute");
    assertThat(new WebClient(server).get("/settings/live").statusCode()).as("signed out").isEqualTo(401);
  }

  private WebClient signedIn(String email, String password) {
    WebClient client = new WebClient(server);
    assertThat(client.signIn(email, password).statusCode()).isEqualTo(303);
    return client;
  }
}
