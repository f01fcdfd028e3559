package dev.uptake.server.accountapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.server.web.WebClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Account API v2's writes, as a CRM sync script drives them: bulk upserts with per-record
 * failures in {@code failed_results}, updates, de-activation, lenient booleans; each write read
 * back at once, in the same last-writer-wins order as identify and group calls, nobody's activity,
 * in the debugger and the stats, and in the IT Administration Center's API Status list.
 */
class AccountApiWritesTest {

  static final long JOINED = 1_600_000_000_000L;

  @TempDir Path dir;
  TestServer server;
  Keys keys;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    keys = server.createWorkspace("Acme");
    HttpResponse<String> settings = server.put("/api/v1/settings", "{\"tiers\":[\"Gold\"],\"dimensions\":["
        + "{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"},"
        + "{\"name\":\"renewal\",\"type\":\"date\",\"source\":\"group\",\"trait\":\"renewal\"}]}", "Authorization", keys.bearer());
    assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  @Test
  void aBulkUpsertWritesTheGoodRecordsAndListsEachBadOneByIndex() {
    JsonNode answer = write("POST", "/api/v2/accounts", "{\"records\":["
        + "{\"account_id\":\"A1\",\"name\":\"Acme\",\"join_date\":" + JOINED + ",\"tier\":\"Gold\",\"billing_postal_code\":\"10115\","
        + "\"is_churned\":\"0\",\"renewal_date\":1700000000000,\"crm_account_id\":\"crm-1\","
        + "\"custom_value_dimensions\":[{\"key\":\"seats\",\"value\":40}],"
        + "\"custom_event_dimensions\":[{\"key\":\"renewal\",\"value\":1735689600000}]},"
        + "{\"account_id\":\"A2\",\"name\":\"No date\"},"
        + "{\"account_id\":\"A3\",\"name\":\"Text date\",\"join_date\":\"2024-01-01\"},"
        + "{\"account_id\":12345.0,\"name\":\"Numbered\",\"join_date\":" + JOINED + "},"
        + "{\"account_id\":\"A1\",\"is_churned\":7},"
        + "{\"name\":\"Nobody's\"},"
        + "{\"account_id\":\"A4\",\"join_date\":" + JOINED + "}]}");
    assertThat(answer.get("status_is_ok").asBoolean()).isTrue();
    JsonNode failed = answer.get("failed_results");
    assertThat(failed).hasSize(4);
    assertThat(failed.get(0).get("message").asText()).isEqualTo("Missing/invalid required field(s) for Accounts insert: 'join_date'");
    assertThat(failed.get(0).get("account_id").asText()).isEqualTo("A2");
    assertThat(failed.get(0).get("record").asInt()).isEqualTo(1);
    assertThat(failed.get(1).get("message").asText()).isEqualTo("Invalid type for property: join_date (expecting timestamp)");
    assertThat(failed.get(1).get("record").asInt()).isEqualTo(2);
    assertThat(failed.get(2).get("message").asText()).isEqualTo("Missing/invalid required field(s): 'account_id'");
    assertThat(failed.get(2).get("record").asInt()).isEqualTo(5);
    assertThat(failed.get(3).get("message").asText()).isEqualTo("Missing/invalid required field(s) for Accounts insert: 'name'");
    assertThat(failed.get(3).get("account_id").asText()).isEqualTo("A4");

    // Read back at once: the write waited for processing to apply it.
    JsonNode a1 = one("/api/v2/accounts/A1");
    assertThat(a1.get("name").asText()).isEqualTo("Acme");
    assertThat(a1.get("join_date").asLong()).isEqualTo(JOINED);
    assertThat(a1.get("tier").asText()).isEqualTo("Gold");
    assertThat(a1.get("billing_postal_code").asText()).isEqualTo("10115");
    assertThat(a1.get("is_churned").asBoolean()).as("record 4, later in the request, wins; 7 is true").isTrue();
    assertThat(a1.get("renewal_date").asLong()).isEqualTo(1_700_000_000_000L);
    assertThat(a1.get("crm_account_id").asText()).isEqualTo("crm-1");
    assertThat(a1.at("/custom_value_dimensions/0/value").asInt()).isEqualTo(40);
    assertThat(a1.at("/custom_event_dimensions/0/value").asLong()).isEqualTo(1_735_689_600_000L);
    assertThat(a1.get("is_active").asBoolean()).isTrue();
    assertThat(one("/api/v2/accounts/12345.0").get("name").asText()).as("ids are text").isEqualTo("Numbered");
    assertThat(server.get("/api/v2/accounts/12345?api_key=" + keys.accountApiKey()).statusCode()).isEqualTo(404);
    assertThat(server.get("/api/v2/accounts/A2?api_key=" + keys.accountApiKey()).statusCode()).isEqualTo(404);

    JsonNode stats = server.stats(keys);
    assertThat(stats.get("accepted").asLong()).as("records 0, 3 and 4").isEqualTo(3);
    assertThat(stats.get("rejected").asLong()).isEqualTo(4);
    JsonNode rejected = server.debugger(keys, "rejected");
    assertThat(rejected).hasSize(4);
    assertThat(rejected.toString()).contains("POST /api/v2/accounts record 2: Invalid type for property: join_date");
    JsonNode accepted = server.debugger(keys, null);
    assertThat(accepted.toString()).contains("acctapi-").contains("\"groupId\":\"A1\"");
  }

  @Test
  void usersJoinAnExistingAccountAndAnUnknownAccountFailsTheRecord() {
    write("POST", "/api/v2/accounts", "{\"records\":[{\"account_id\":\"A1\",\"name\":\"Acme\",\"join_date\":" + JOINED + "}]}");
    JsonNode answer = write("POST", "/api/v2/account_users", "{\"records\":["
        + "{\"user_id\":\"u1\",\"account_id\":\"A1\",\"first_name\":\"Ana\",\"email\":\"ana@acme.io\",\"mailing_postal_code\":\"10115\","
        + "\"product_join_date\":" + JOINED + "},"
        + "{\"user_id\":\"u2\",\"account_id\":\"nope\",\"first_name\":\"Bo\"},"
        + "{\"account_id\":\"A1\",\"first_name\":\"Nameless\"},"
        + "{\"user_id\":\"u3\",\"account_id\":\"A1\",\"product_join_date\":\"yesterday\"}]}");
    JsonNode failed = answer.get("failed_results");
    assertThat(failed).hasSize(3);
    assertThat(failed.get(0).get("message").asText()).isEqualTo("Account not found");
    assertThat(failed.get(0).get("account_id").asText()).isEqualTo("nope");
    assertThat(failed.get(0).get("user_id").asText()).isEqualTo("u2");
    assertThat(failed.get(0).get("record").asInt()).isEqualTo(1);
    assertThat(failed.get(1).get("message").asText()).isEqualTo("Missing/invalid required field(s): 'user_id'");
    assertThat(failed.get(2).get("message").asText()).isEqualTo("Invalid type for property: product_join_date (expecting timestamp)");

    JsonNode ana = one("/api/v2/account_users/u1");
    assertThat(ana.get("account_id").asText()).isEqualTo("A1");
    assertThat(ana.get("first_name").asText()).isEqualTo("Ana");
    assertThat(ana.get("mailing_postal_code").asText()).isEqualTo("10115");
    assertThat(ana.get("product_join_date").asLong()).isEqualTo(JOINED);
    assertThat(ids(page("/api/v2/accounts/A1/users"), "user_id")).containsExactly("u1");

    JsonNode user = TestServer.json(server.get("/api/v1/users/u1", "Authorization", keys.bearer()));
    assertThat(user.get("lastSeenAt").isNull()).as("a record is nobody's activity: " + user).isTrue();
    JsonNode account = TestServer.json(server.get("/api/v1/accounts/A1", "Authorization", keys.bearer()));
    assertThat(account.get("lastSeenAt").isNull()).as(account.toString()).isTrue();
    assertThat(account.get("pending").asBoolean()).isFalse();
    JsonNode sessions = TestServer.json(server.get("/api/v1/users/u1/sessions", "Authorization", keys.bearer()));
    assertThat(sessions.toString()).doesNotContain("\"start\"");
  }

  @Test
  void putChangesOneRecordAndDeleteDeactivatesIt() {
    write("POST", "/api/v2/accounts", "{\"records\":[{\"account_id\":\"A1\",\"name\":\"Acme\",\"join_date\":" + JOINED + "},"
        + "{\"account_id\":\"A2\",\"name\":\"Beta\",\"join_date\":" + JOINED + "}]}");
    write("POST", "/api/v2/account_users", "{\"records\":[{\"user_id\":\"u1\",\"account_id\":\"A1\"},"
        + "{\"user_id\":\"u2\",\"account_id\":\"A1\"}]}");

    write("PUT", "/api/v2/accounts/A1", "{\"data\":{\"name\":\"Acme Inc\",\"is_churned\":\"true\"}}");
    assertThat(one("/api/v2/accounts/A1").get("name").asText()).isEqualTo("Acme Inc");
    assertThat(one("/api/v2/accounts/A1").get("is_churned").asBoolean()).isTrue();
    write("PUT", "/api/v2/account_users/u2", "{\"data\":{\"title\":\"CTO\",\"account_id\":\"A2\"}}");
    assertThat(one("/api/v2/account_users/u2").get("title").asText()).isEqualTo("CTO");
    assertThat(ids(page("/api/v2/accounts/A2/users"), "user_id")).as("moved").containsExactly("u2");

    refused("PUT", "/api/v2/accounts/nope", "{\"data\":{\"name\":\"X\"}}", 404, "Account not found");
    refused("PUT", "/api/v2/accounts/A1", "{\"data\":{\"join_date\":\"2024-01-01\"}}", 400,
        "Invalid type for property: join_date (expecting timestamp)");
    refused("PUT", "/api/v2/accounts/A1", "{\"data\":{\"account_id\":\"A9\"}}", 400, "data.account_id is 'A9'");
    refused("PUT", "/api/v2/account_users/nobody", "{\"data\":{}}", 404, "User not found");
    refused("PUT", "/api/v2/account_users/u1", "{\"data\":{\"account_id\":\"nope\"}}", 404, "Account not found");
    refused("POST", "/api/v2/accounts", "{\"data\":{}}", 400, "Missing/invalid required field(s): 'records'");
    refused("POST", "/api/v2/accounts", "{\"records\":", 400, "The body is not valid JSON");
    refused("DELETE", "/api/v2/accounts/nope", null, 404, "Account not found");

    write("DELETE", "/api/v2/account_users/u1", null);
    assertThat(ids(page("/api/v2/accounts/A1/users"), "user_id")).isEmpty();
    JsonNode withInactive = page("/api/v2/accounts/A1/users?include_inactive=1");
    assertThat(ids(withInactive, "user_id")).containsExactly("u1");
    assertThat(withInactive.at("/results/0/is_active").asBoolean()).isFalse();

    write("DELETE", "/api/v2/accounts/A1", null);
    assertThat(ids(page("/api/v2/accounts"), "account_id")).containsExactly("A2");
    assertThat(ids(page("/api/v2/accounts?include_inactive=true"), "account_id")).containsExactly("A1", "A2");
    assertThat(ids(page("/api/v2/accounts?include_inactive=0"), "account_id")).as("\"0\" is false").containsExactly("A2");
    assertThat(one("/api/v2/accounts/A1").get("is_active").asBoolean()).isFalse();
    write("PUT", "/api/v2/accounts/A1", "{\"data\":{\"is_active\":1}}");
    assertThat(ids(page("/api/v2/accounts"), "account_id")).as("re-activated").containsExactly("A1", "A2");
  }

  @Test
  void writesAndSendersCallsChangeFieldsInOneLastWriterWinsOrder() {
    Instant before = Instant.now().minusSeconds(3600);
    write("POST", "/api/v2/accounts", "{\"records\":[{\"account_id\":\"A1\",\"name\":\"From the CRM\",\"join_date\":" + JOINED
        + ",\"industry\":\"Retail\"}]}");
    server.sendProcessed(keys,
        Events.group("A1").user("ana").set("traits.name", "An hour old").set("traits.industry", "Old").at(before.toString()));
    JsonNode a1 = one("/api/v2/accounts/A1");
    assertThat(a1.get("name").asText()).as("the API's write is later than an event of an hour ago").isEqualTo("From the CRM");
    assertThat(a1.get("industry").asText()).isEqualTo("Retail");

    server.sendProcessed(keys, Events.group("A1").user("ana").set("traits.name", "Renamed in the app")
        .at(Instant.now().toString()));
    assertThat(one("/api/v2/accounts/A1").get("name").asText()).isEqualTo("Renamed in the app");
    write("PUT", "/api/v2/accounts/A1", "{\"data\":{\"name\":\"Renamed in the CRM\"}}");
    assertThat(one("/api/v2/accounts/A1").get("name").asText()).isEqualTo("Renamed in the CRM");
    JsonNode v1 = TestServer.json(server.get("/api/v1/accounts/A1", "Authorization", keys.bearer()));
    assertThat(v1.toString()).as("the same account the app's pages show").contains("Renamed in the CRM");
  }

  @Test
  void theApiStatusListShowsEachCallWithItsRecordsAndFailures() {
    write("POST", "/api/v2/accounts", "{\"records\":[{\"account_id\":\"A1\",\"name\":\"Acme\",\"join_date\":" + JOINED + "},"
        + "{\"account_id\":\"A2\"}]}");
    page("/api/v2/accounts");
    WebClient admin = new WebClient(server);
    assertThat(admin.signIn(keys.adminEmail(), keys.adminPassword()).statusCode()).isEqualTo(303);
    String settings = admin.get("/settings").body();
    assertThat(settings).contains("API Status");
    String table = settings.substring(settings.indexOf("id=\"api-status\""));
    int get = table.indexOf("<td>GET</td>");
    int post = table.indexOf("<td>POST</td>");
    assertThat(get).as("newest first").isPositive().isLessThan(post);
    assertThat(table.substring(post, table.indexOf("</tr>", post))).contains("/api/v2/accounts")
        .contains("<td>200</td>").contains("<td>2</td><td>1</td>");
  }

  private JsonNode write(String method, String path, String body) {
    HttpResponse<String> response = send(method, path, body);
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
    JsonNode answer = TestServer.json(response);
    assertThat(answer.get("status_is_ok").asBoolean()).isTrue();
    return answer;
  }

  private void refused(String method, String path, String body, int status, String message) {
    HttpResponse<String> response = send(method, path, body);
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
    JsonNode answer = TestServer.json(response);
    assertThat(answer.get("status_is_ok").asBoolean()).isFalse();
    assertThat(answer.get("message").asText()).startsWith(message);
  }

  private HttpResponse<String> send(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url(path)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    return server.send(request, "Authorization", TestServer.basic("api", keys.accountApiKey()));
  }

  private JsonNode one(String path) {
    JsonNode answer = page(path);
    assertThat(answer.get("results")).hasSize(1);
    return answer.get("results").get(0);
  }

  private JsonNode page(String path) {
    HttpResponse<String> response = server.get(path, "Authorization", TestServer.basic("api", keys.accountApiKey()));
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return TestServer.json(response);
  }

  private static List<String> ids(JsonNode answer, String field) {
    List<String> ids = new ArrayList<>();
    answer.get("results").forEach(record -> ids.add(record.get(field).asText()));
    return ids;
  }
}
