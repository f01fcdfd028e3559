package dev.uptake.server.cli;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.store.fixtures.Backend;
import dev.uptake.server.TestServer;
import dev.uptake.server.web.WebClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code uptake serve --demo}: accounts with a month of usage, through the real ingestion path, and a way in. */
class DemoTest {

  @TempDir Path dir;

  @Test
  void theDemoWorkspaceHasBusyAndQuietAccountsAndItsPrintedSignInWorks() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      Demo.SignIn signIn = Demo.load(Backend.ofRun().config(dir), URI.create(server.url("")), Clock.systemUTC());
      assertThat(signIn.events()).isGreaterThan(5_000);

      WebClient browser = new WebClient(server);
      HttpResponse<String> signedIn = browser.signIn(signIn.email(), signIn.password());
      assertThat(signedIn.statusCode()).isEqualTo(303);
      assertThat(browser.get("/accounts").body()).contains(Demo.ACCOUNTS + " accounts");

      // The accounts list, read with the workspace's API: a few dozen accounts, busy ones and silent ones.
      String token = TestServer.cli("workspace", "rotate-keys", "--workspace", signIn.workspace(), "--grace", "0s",
          "--admin-token", "--data", dir.toString()).get("adminToken").asText();
      JsonNode accounts = json(server.get("/api/v1/accounts?limit=100", "Authorization", "Bearer " + token)).get("accounts");
      assertThat(accounts).hasSize(Demo.ACCOUNTS);
      List<Integer> active = new ArrayList<>();
      accounts.forEach(account -> active.add(account.get("activeUsers30d").asInt()));
      assertThat(active).anyMatch(users -> users >= 3).contains(0);
      assertThat(accounts.findValuesAsText("tier")).contains("Enterprise", "Growth", "Starter");
    }
  }
}
