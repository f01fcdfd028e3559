package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event debugger page's rows: accepted, rejected with its reason, filtered by status and type. */
class DebuggerPageTest {

  @TempDir Path dir;

  @Test
  void rowsShowEachEventWithItsStatusReasonsAndPayload() {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme");
      String body = "{\"batch\":[" + Events.track("Opened Report").messageId("ok-1").json() + ","
          + Events.identify().messageId("ok-2").json() + ","
          + "{\"type\":\"track\",\"userId\":\"u1\",\"messageId\":\"bad-1\",\"anonymousId\":\"s1\"}]}"; // no time
      HttpResponse<String> sent = server.post("/v1/batch", body, "Authorization", keys.basicWriteKey());
      assertThat(sent.statusCode()).isEqualTo(200);
      server.awaitProcessed(keys);

      WebClient browser = new WebClient(server);
      assertThat(browser.signIn(keys.adminEmail(), keys.adminPassword()).statusCode()).isEqualTo(303);
      assertThat(browser.get("/debugger").body()).contains("Event debugger");

      String all = browser.get("/debugger/rows").body();
      assertThat(all).contains("ok-1").contains("ok-2").contains("bad-1").contains("Opened Report");
      String rejected = browser.get("/debugger/rows?status=rejected").body();
      assertThat(rejected).contains("bad-1").contains("originalTimestamp: originalTimestamp is required").doesNotContain("ok-1");
      String identify = browser.get("/debugger/rows?type=identify").body();
      assertThat(identify).contains("ok-2").doesNotContain("ok-1").doesNotContain("bad-1");
      assertThat(new WebClient(server).get("/debugger").headers().firstValue("Location")).hasValue("/login");
    }
  }
}
