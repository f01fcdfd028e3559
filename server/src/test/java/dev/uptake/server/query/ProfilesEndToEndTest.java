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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group, identify and track calls over HTTP in shuffled order; accounts and users read back. */
class ProfilesEndToEndTest {

  @TempDir Path dir;
  TestServer server;
  Keys keys;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    keys = server.createWorkspace("Acme Inc");
  }

  @AfterEach
  void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  HttpResponse<String> putSettings(String body) {
    return server.put("/api/v1/settings", body, "Authorization", keys.bearer());
  }

  JsonNode getJson(String path) {
    HttpResponse<String> response = server.get(path, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    return json(response);
  }

  void send(List<Events> events) {
    for (Events event : events) {
      HttpResponse<String> response = server.post("/v1/batch", "{\"batch\":[" + event.json() + "]}", "Authorization", keys.basicWriteKey());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
    server.awaitProcessed(keys);
  }

  @Test
  void shuffledCallsEndInTheExpectedAccountsAndUsers() {
    assertThat(putSettings("{\"tiers\":[\"Gold\",\"Silver\"],\"lifecycleStages\":[\"Adopting\"],"
        + "\"dimensions\":[{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"},"
        + "{\"name\":\"nps\",\"type\":\"number\",\"source\":\"identify\",\"trait\":\"nps\"}]}").statusCode())
        .isEqualTo(200);
    List<Events> events = new ArrayList<>(List.of(
        Events.group("acme").user("ada").at("2024-05-01T09:00:00Z").set("traits.name", "Acme Old Name")
            .set("traits.tier", "Silver"),
        Events.group("acme").user("ada").at("2024-05-02T09:00:00Z").set("traits.name", "Acme")
            .set("traits.createdAt", "2023-01-15T00:00:00Z").set("traits.tier", "Gold").set("traits.employees", "120")
            .set("traits.biling_city", "Berlin").set("traits.is_churned", "false").set("traits.seats", 40)
            .set("traits.lifecycle_stage", "Adopting").set("traits.website", "https://acme.example"),
        Events.identify().user("ada").at("2024-05-01T10:00:00Z").set("traits.first_name", "Ada")
            .set("traits.lastName", "Lovelace").set("traits.email", "ada@acme.example").set("traits.nps", 9)
            .set("traits.favorite", "tea"),
        Events.identify().user("ada").at("2024-04-01T10:00:00Z").set("traits.first_name", "Augusta"),
        Events.identify().user("bob").at("2024-05-03T10:00:00Z").account("acme").set("traits.title", "CTO"),
        Events.track("Export").user("carl").at("2024-05-04T10:00:00Z"),
        Events.track("Export").user("carl").at("2024-05-05T10:00:00Z").set("context.groupId", "acme"),
        Events.track("Import").user("dana").at("2024-05-06T10:00:00Z").account("newco")));
    Collections.shuffle(events, new Random(7));
    send(events);

    JsonNode acme = getJson("/api/v1/accounts/acme");
    assertThat(acme.get("name").asText()).isEqualTo("Acme");
    assertThat(acme.get("createdAt").asText()).isEqualTo("2023-01-15T00:00:00Z");
    assertThat(acme.get("tier").asText()).isEqualTo("Gold");
    assertThat(acme.get("lifecycleStage").asText()).isEqualTo("Adopting");
    assertThat(acme.get("employees").asInt()).isEqualTo(120);
    assertThat(acme.get("billingCity").asText()).isEqualTo("Berlin");
    assertThat(acme.get("isChurned").asBoolean()).isFalse();
    assertThat(acme.get("website").asText()).isEqualTo("https://acme.example");
    assertThat(acme.get("pending").asBoolean()).isFalse();
    assertThat(acme.at("/dimensions/seats").asInt()).isEqualTo(40);
    assertThat(acme.at("/dimensions/nps").asInt()).as("identify dimension lands on the user's account").isEqualTo(9);
    assertThat(acme.get("firstSeenAt").asText()).isEqualTo("2024-04-01T10:00:00Z");
    assertThat(acme.get("lastSeenAt").asText()).isEqualTo("2024-05-05T10:00:00Z");

    JsonNode ada = getJson("/api/v1/users/ada");
    assertThat(ada.get("accountId").asText()).isEqualTo("acme");
    assertThat(ada.get("firstName").asText()).isEqualTo("Ada");
    assertThat(ada.get("lastName").asText()).isEqualTo("Lovelace");
    assertThat(ada.get("email").asText()).isEqualTo("ada@acme.example");
    assertThat(ada.at("/traits/favorite").asText()).isEqualTo("tea");
    assertThat(ada.get("title").isNull()).isTrue();

    List<String> users = new ArrayList<>();
    getJson("/api/v1/accounts/acme/users").get("users").forEach(u -> users.add(u.get("id").asText()));
    assertThat(users).containsExactly("ada", "bob", "carl");

    JsonNode newco = getJson("/api/v1/accounts/newco");
    assertThat(newco.get("pending").asBoolean()).isTrue();
    assertThat(newco.get("lastSeenAt").asText()).isEqualTo("2024-05-06T10:00:00Z");
  }

  @Test
  void processingWarningsShowInTheDebuggerAndStats() {
    send(List.of(Events.group("acme").set("traits.tier", "Platinum").set("traits.employees", "many")));
    JsonNode warned = server.debugger(keys, "warning");
    assertThat(warned).singleElement().satisfies(entry ->
        assertThat(entry.get("reasons").findValuesAsText("field")).containsExactlyInAnyOrder("traits.tier", "traits.employees"));
    assertThat(server.stats(keys).get("warnings").asInt()).isEqualTo(2);
    assertThat(server.stats(keys).get("processed").asInt()).isEqualTo(1);
  }

  @Test
  void settingsDefaultsAreServedAndInvalidSettingsNameTheField() {
    JsonNode defaults = getJson("/api/v1/settings");
    assertThat(defaults.get("sessionTimeoutMinutes").asInt()).isEqualTo(30);
    assertThat(defaults.get("idleThresholdMinutes").asInt()).isEqualTo(5);
    assertThat(defaults.get("timeZone").asText()).isEqualTo("UTC");

    Map<String, String> invalid = Map.of(
        "{\"sessionTimeoutMinutes\":0}", "sessionTimeoutMinutes",
        "{\"idleThresholdMinutes\":45}", "idleThresholdMinutes",
        "{\"timeZone\":\"Mars/Olympus\"}", "timeZone",
        "{\"tiers\":[\"Gold\",\"gold\"]}", "tiers[1]",
        "{\"dimensions\":[{\"name\":\"x\",\"type\":\"money\",\"source\":\"group\",\"trait\":\"x\"}]}", "dimensions[0].type",
        "{\"dimensions\":[{\"name\":\"x\",\"type\":\"string\",\"source\":\"track\",\"trait\":\"x\"}]}", "dimensions[0].source",
        "{\"colour\":\"blue\"}", "colour",
        "[1]", "body");
    invalid.forEach((body, field) -> {
      HttpResponse<String> response = putSettings(body);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(json(response).get("field").asText()).as(body).isEqualTo(field);
    });
    HttpResponse<String> saved = putSettings("{\"sessionTimeoutMinutes\":45,\"timeZone\":\"Europe/Berlin\"}");
    assertThat(saved.statusCode()).isEqualTo(200);
    assertThat(getJson("/api/v1/settings").get("timeZone").asText()).isEqualTo("Europe/Berlin");
    assertThat(getJson("/api/v1/settings").get("idleThresholdMinutes").asInt()).isEqualTo(5);
  }

  @Test
  void unknownAccountOrUserIs404AndOtherWorkspacesSeeNothing() {
    send(List.of(Events.group("acme").set("traits.name", "Acme")));
    assertThat(server.get("/api/v1/accounts/nope", "Authorization", keys.bearer()).statusCode()).isEqualTo(404);
    assertThat(server.get("/api/v1/users/nope", "Authorization", keys.bearer()).statusCode()).isEqualTo(404);
    Keys other = server.createWorkspace("Other");
    assertThat(server.get("/api/v1/accounts/acme", "Authorization", other.bearer()).statusCode()).isEqualTo(404);
    assertThat(server.get("/api/v1/users/u1", "Authorization", other.bearer()).statusCode()).isEqualTo(404);
  }
}
