package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native Event API's identify actions through {@code POST /v1/{authKey}/{apiKey}}: {@code
 * identifyAccount} and {@code identifyUser} carry the Account API's field names in {@code details}
 * and change the account and user as group and identify calls do; a date written as text where
 * the Account API wants epoch milliseconds is refused with the field and the Account API's words;
 * a {@code feature} event's {@code total} counts that many uses.
 */
class NativeActionsTest {

  static final long JOINED = 1_700_000_000_000L;

  @TempDir Path dir;

  @Test
  void identifyActionsSetTheAccountAndTheUserByTheAccountApisFieldNames() {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      HttpResponse<String> settings = server.put("/api/v1/settings", "{\"tiers\":[\"Gold\"],\"lifecycleStages\":[\"Customer\"],"
          + "\"dimensions\":[{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"},"
          + "{\"name\":\"renewal\",\"type\":\"date\",\"source\":\"group\",\"trait\":\"renewal\"}]}", "Authorization", keys.bearer());
      assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
      long now = Instant.now().toEpochMilli();
      String body = String.join("\n",
          "{\"action\":\"identifyAccount\",\"user_id\":\"u1\",\"created_at\":" + now + ",\"details\":{\"account_id\":\"acme\","
              + "\"name\":\"Acme Corp\",\"join_date\":" + JOINED + ",\"tier\":\"Gold\",\"current_stage\":\"Customer\","
              + "\"billing_city\":\"Berlin\",\"billing_postal_code\":\"10115\",\"is_churned\":\"0\",\"employees\":120,"
              + "\"custom_value_dimensions\":[{\"key\":\"seats\",\"value\":40}],"
              + "\"custom_event_dimensions\":[{\"key\":\"renewal\",\"value\":1735689600000}]}}",
          "{\"action\":\"identifyUser\",\"user_id\":\"u1\",\"account_id\":\"acme\",\"created_at\":" + (now + 1)
              + ",\"details\":{\"first_name\":\"Ana\",\"last_name\":\"Lee\",\"email\":\"ana@acme.io\","
              + "\"mailing_postal_code\":\"10115\"}}",
          "{\"action\":\"identifyAccount\",\"user_id\":\"u2\",\"details\":{\"account_id\":\"initech\",\"name\":\"Initech\","
              + "\"join_date\":\"2024-01-01\"}}");
      HttpResponse<String> response = server.post("/v1/" + keys.authKey() + "/" + keys.apiKey(), body);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode answer = TestServer.json(response);
      assertThat(answer.get("accepted").asInt()).isEqualTo(2);
      assertThat(answer.at("/rejected/0/index").asInt()).isEqualTo(2);
      assertThat(answer.at("/rejected/0/field").asText()).isEqualTo("details.join_date");
      assertThat(answer.at("/rejected/0/reason").asText()).startsWith("Invalid type for property: join_date (expecting timestamp)");
      server.awaitProcessed(keys);

      JsonNode acme = TestServer.json(server.get("/api/v1/accounts/acme", "Authorization", keys.bearer()));
      assertThat(acme.get("name").asText()).isEqualTo("Acme Corp");
      assertThat(acme.get("createdAt").asText()).isEqualTo(Instant.ofEpochMilli(JOINED).toString());
      assertThat(acme.get("tier").asText()).isEqualTo("Gold");
      assertThat(acme.get("lifecycleStage").asText()).isEqualTo("Customer");
      assertThat(acme.get("billingCity").asText()).isEqualTo("Berlin");
      assertThat(acme.get("billingPostal").asText()).isEqualTo("10115");
      assertThat(acme.get("isChurned").asBoolean()).as("\"0\" is false").isFalse();
      assertThat(acme.get("employees").asInt()).isEqualTo(120);
      assertThat(acme.at("/dimensions/seats").asInt()).isEqualTo(40);
      assertThat(acme.at("/dimensions/renewal").asText()).startsWith("2025-01-01");
      assertThat(acme.get("pending").asBoolean()).isFalse();

      JsonNode ana = TestServer.json(server.get("/api/v1/users/u1", "Authorization", keys.bearer()));
      assertThat(ana.get("firstName").asText()).isEqualTo("Ana");
      assertThat(ana.get("lastName").asText()).isEqualTo("Lee");
      assertThat(ana.get("email").asText()).isEqualTo("ana@acme.io");
      assertThat(ana.get("mailingPostal").asText()).isEqualTo("10115");
      assertThat(ana.get("accountId").asText()).isEqualTo("acme");
      assertThat(server.debugger(keys, "rejected").toString()).contains("details.join_date");
    }
  }

  @Test
  void aFeatureEventsTotalCountsThatManyUses() {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      long at = Instant.now().minusSeconds(3600).toEpochMilli();
      String event = "{\"action\":\"feature\",\"feature\":\"Export\",\"module\":\"Reports\",\"user_id\":\"u1\","
          + "\"account_id\":\"acme\",\"session_id\":\"s1\",\"created_at\":";
      String body = String.join("\n",
          event + at + ",\"total\":5}",
          event + (at + 60_000) + "}",
          event + (at + 120_000) + ",\"total\":\"3\"}",
          event + (at + 180_000) + ",\"total\":0}");
      HttpResponse<String> response = server.post("/v1/" + keys.authKey() + "/" + keys.apiKey(), body);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode answer = TestServer.json(response);
      assertThat(answer.get("accepted").asInt()).isEqualTo(3);
      assertThat(answer.at("/rejected/0/field").asText()).isEqualTo("total");
      server.awaitProcessed(keys);

      JsonNode usage = TestServer.json(server.get("/api/v1/accounts/acme/usage", "Authorization", keys.bearer()));
      assertThat(usage.at("/features/0/feature").asText()).isEqualTo("Export");
      assertThat(usage.at("/features/0/events").asInt()).as("5 + 1 + 3 uses").isEqualTo(9);
      assertThat(usage.at("/modules/Reports/events").asInt()).isEqualTo(9);
      assertThat(usage.get("sessions").asInt()).isEqualTo(1);
    }
  }
}
