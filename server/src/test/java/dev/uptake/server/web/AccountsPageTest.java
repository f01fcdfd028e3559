package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.server.query.Csv;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accounts table and account pages: pages of 50, filters, sort links, pending marked, the CSV, one workspace's accounts only. */
class AccountsPageTest {

  private static final Pattern ROW = Pattern.compile("data-account-id=\"([^\"]+)\"");
  private static final Pattern NEXT = Pattern.compile("id=\"next\" href=\"([^\"]+)\"");

  @TempDir Path dir;
  TestServer server;
  Keys keys;
  WebClient browser;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    keys = server.createWorkspace("Acme");
    Events[] groups = new Events[60];
    for (int i = 0; i < groups.length; i++) {
      Events group = Events.group(String.format("acct-%02d", i)).user("u" + i).set("traits.name", String.format("Account %02d", i));
      groups[i] = i == 7 ? group : group.set("traits.createdAt", "2024-01-01"); // acct-07 stays pending
    }
    server.sendProcessed(keys, groups);
    browser = new WebClient(server);
    assertThat(browser.signIn(keys.adminEmail(), keys.adminPassword()).statusCode()).isEqualTo(303);
  }

  @AfterEach
  void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  @Test
  void pagesOfFiftyWalkEveryAccountOnce() {
    List<String> seen = new ArrayList<>();
    String page = browser.get("/accounts").body();
    assertThat(page).contains("60 accounts");
    seen.addAll(ids(page));
    Matcher next = NEXT.matcher(page);
    assertThat(next.find()).isTrue();
    String second = browser.get(next.group(1).replace("&amp;", "&")).body();
    seen.addAll(ids(second));
    assertThat(NEXT.matcher(second).find()).as("the last page").isFalse();
    assertThat(seen).hasSize(60).doesNotHaveDuplicates().first().isEqualTo("acct-00");
  }

  @Test
  void filtersSortAndPendingShowAsTheyShould() {
    assertThat(ids(browser.get("/accounts?q=account+1").body())).hasSize(10).allMatch(id -> id.startsWith("acct-1"));
    assertThat(ids(browser.get("/accounts?pending=true").body())).containsExactly("acct-07");
    assertThat(browser.get("/accounts?pending=true").body()).contains("class=\"badge\">pending");
    assertThat(ids(browser.get("/accounts?sort=name&order=desc").body())).first().isEqualTo("acct-59");
    HttpResponse<String> refused = browser.get("/accounts?inactiveDays=soon");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("inactiveDays must be a whole number");
  }

  @Test
  void theCsvIsTheWholeFilteredListForTheSessionsWorkspaceOnly() throws Exception {
    HttpResponse<String> csv = browser.get("/accounts/export?format=csv&q=account+1");
    assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
    assertThat(Csv.read(csv.body())).hasSize(10);
    assertThat(browser.get("/accounts/export?format=csv").body().lines().count()).as("header and 60 rows").isEqualTo(61);

    Keys other = server.createWorkspace("Other");
    WebClient stranger = new WebClient(server);
    stranger.signIn(other.adminEmail(), other.adminPassword());
    assertThat(ids(stranger.get("/accounts").body())).isEmpty();
    assertThat(stranger.get("/accounts/export?format=csv").body()).doesNotContain("acct-");
    assertThat(new WebClient(server).get("/accounts/export?format=csv").statusCode()).as("signed out").isEqualTo(303);
  }

  @Test
  void accountAndUserPagesAreTheirWorkspacesOnly() {
    assertThat(browser.get("/accounts/acct-03").body()).contains("Account 03").contains("chart-active-users");
    Keys other = server.createWorkspace("Other");
    WebClient stranger = new WebClient(server);
    stranger.signIn(other.adminEmail(), other.adminPassword());
    assertThat(stranger.get("/accounts/acct-03").statusCode()).isEqualTo(404);
    assertThat(browser.get("/users/u3").body()).contains("acct-03");
    assertThat(stranger.get("/users/u3").statusCode()).isEqualTo(404);
    assertThat(new WebClient(server).get("/accounts/acct-03").headers().firstValue("Location")).hasValue("/login");
  }

  private static List<String> ids(String page) {
    List<String> ids = new ArrayList<>();
    Matcher matcher = ROW.matcher(page);
    while (matcher.find()) {
      ids.add(matcher.group(1));
    }
    return ids;
  }
}
