package dev.uptake.server.accountapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Account API v2's reads, as a script written for the replaced platform pages through them:
 * 2,500 accounts in pages of 1000 until a short page, in its envelopes and field names, ordered,
 * behind the Account API key (Basic user {@code api}, or {@code ?api_key=}).
 */
class AccountApiReadsTest {

  static final int ACCOUNTS = 2_500;
  static final long JOINED = 1_600_000_000_000L;

  @TempDir Path dir;

  @Test
  void aScriptPagesThroughEveryAccountAndReadsOneWithItsUsers() {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      HttpResponse<String> settings = server.put("/api/v1/settings", "{\"tiers\":[\"Gold\"],\"dimensions\":["
          + "{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"},"
          + "{\"name\":\"renewal\",\"type\":\"date\",\"source\":\"group\",\"trait\":\"renewal\"},"
          + "{\"name\":\"plan\",\"type\":\"string\",\"source\":\"group\",\"trait\":\"plan\"}]}", "Authorization", keys.bearer());
      assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
      for (int from = 0; from < ACCOUNTS; from += 500) {
        List<Events> batch = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
          batch.add(Events.group(String.format("acct-%04d", i)).user("admin-" + i).session("s-" + i)
              .set("traits.name", "Account " + i).set("traits.createdAt", Instant.ofEpochMilli(JOINED + i * 60_000L).toString())
              .at("2024-06-01T00:00:00Z"));
        }
        server.sendProcessed(keys, batch.toArray(Events[]::new));
      }
      server.sendProcessed(keys,
          Events.group("acct-0007").user("ana").session("ana").set("traits.tier", "Gold").set("traits.seats", 40)
              .set("traits.renewal", "2025-01-01T00:00:00Z").set("traits.plan", "pro").at("2024-06-02T00:00:00Z"),
          Events.identify().user("ana").session("ana").set("traits.first_name", "Ana").set("traits.email", "ana@acme.io")
              .set("traits.mailing_postal", "10115").account("acct-0007").at("2024-06-02T00:00:01Z"));

      // A script's loop: ask page after page until a short one.
      Set<String> seen = new HashSet<>();
      List<String> order = new ArrayList<>();
      for (int page = 0; ; page++) {
        JsonNode answer = get(server, "/api/v2/accounts?page=" + page, "Authorization", basic(keys.accountApiKey()));
        assertThat(answer.get("status_is_ok").asBoolean()).isTrue();
        assertThat(answer.get("current_page").asInt()).isEqualTo(page);
        assertThat(answer.get("max_page_size").asInt()).isEqualTo(1000);
        answer.get("results").forEach(account -> {
          seen.add(account.get("account_id").asText());
          order.add(account.get("account_id").asText());
        });
        if (answer.get("results").size() < 1000) {
          assertThat(page).isEqualTo(2);
          break;
        }
      }
      assertThat(seen).hasSize(ACCOUNTS);
      assertThat(order).isSorted();

      JsonNode newest = get(server, "/api/v2/accounts?order_by=join_date&direction=desc&api_key=" + keys.accountApiKey());
      assertThat(newest.get("order_by").asText()).isEqualTo("join_date");
      assertThat(newest.get("direction").asText()).isEqualTo("desc");
      assertThat(newest.at("/results/0/account_id").asText()).isEqualTo("acct-2499");
      assertThat(newest.at("/results/0/join_date").asLong()).isEqualTo(JOINED + 2499 * 60_000L);

      JsonNode one = get(server, "/api/v2/accounts/acct-0007", "Authorization", basic(keys.accountApiKey())).at("/results/0");
      assertThat(one.get("name").asText()).isEqualTo("Account 7");
      assertThat(one.get("tier").asText()).isEqualTo("Gold");
      assertThat(one.get("join_date").asLong()).isEqualTo(JOINED + 7 * 60_000L);
      assertThat(one.get("is_active").asBoolean()).isTrue();
      assertThat(one.at("/custom_value_dimensions/0/key").asText()).isEqualTo("seats");
      assertThat(one.at("/custom_value_dimensions/0/value").asInt()).isEqualTo(40);
      assertThat(one.at("/custom_event_dimensions/0/value").asLong()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli());
      assertThat(one.at("/custom_label_dimensions/0/value").asText()).isEqualTo("pro");

      JsonNode users = get(server, "/api/v2/accounts/acct-0007/users?api_key=" + keys.accountApiKey());
      List<String> ids = new ArrayList<>();
      users.get("results").forEach(user -> ids.add(user.get("user_id").asText()));
      assertThat(ids).contains("ana");
      JsonNode ana = get(server, "/api/v2/account_users/ana?api_key=" + keys.accountApiKey()).at("/results/0");
      assertThat(ana.get("account_id").asText()).isEqualTo("acct-0007");
      assertThat(ana.get("first_name").asText()).isEqualTo("Ana");
      assertThat(ana.get("email").asText()).isEqualTo("ana@acme.io");
      assertThat(ana.get("mailing_postal_code").asText()).isEqualTo("10115");
      JsonNode allUsers = get(server, "/api/v2/account_users?page=0&api_key=" + keys.accountApiKey());
      assertThat(allUsers.get("results").size()).isEqualTo(1000);

      refused(server, "/api/v2/accounts/nobody?api_key=" + keys.accountApiKey(), 404, "Account not found");
      refused(server, "/api/v2/account_users/nobody?api_key=" + keys.accountApiKey(), 404, "User not found");
      refused(server, "/api/v2/accounts?api_key=wrong", 401, "Invalid API key");
      refused(server, "/api/v2/accounts?api_key=" + keys.writeKey(), 401, "Invalid API key");
      refused(server, "/api/v2/accounts", 401, "Authentication required");
      refused(server, "/api/v2/accounts?order_by=colour&api_key=" + keys.accountApiKey(), 400, "Invalid order_by");
      refused(server, "/api/v2/accounts?page=-1&api_key=" + keys.accountApiKey(), 400, "Invalid page");
    }
  }

  private static JsonNode get(TestServer server, String path, String... headers) {
    HttpResponse<String> response = server.get(path, headers);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return TestServer.json(response);
  }

  private static void refused(TestServer server, String path, int status, String message) {
    HttpResponse<String> response = server.get(path);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
    JsonNode body = TestServer.json(response);
    assertThat(body.get("status_is_ok").asBoolean()).isFalse();
    assertThat(body.get("message").asText()).startsWith(message);
  }

  private static String basic(String key) {
    return TestServer.basic("api", key);
  }
}
