package dev.uptake.server.query;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/accounts} on a hand-built workspace whose figures are worked out below. Now
 * is 2024-06-15 12:00 UTC, so the windows end with 2024-06-14: the last 7 days are 06-08…06-14,
 * the last 30 are 05-16…06-14, and the 30 before are 04-16…05-15.
 */
class AccountsListTest {

  static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");

  @TempDir Path dir;
  TestClock clock;
  TestServer server;
  Keys keys;

  @BeforeEach
  void workspace() {
    clock = new TestClock(NOW);
    server = TestServer.start(dir, clock);
    keys = server.createWorkspace("Acme Analytics");
    put("{\"tiers\":[\"Gold\",\"Silver\"],\"lifecycleStages\":[\"Onboarding\",\"Adopted\"],"
        + "\"dimensions\":[{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"},"
        + "{\"name\":\"renewal\",\"type\":\"date\",\"source\":\"group\",\"trait\":\"renewal\"},"
        + "{\"name\":\"region\",\"type\":\"string\",\"source\":\"group\",\"trait\":\"region\"}]}");
    server.sendProcessed(keys, 
        group("acme", "u1").set("traits.name", "Acme").set("traits.createdAt", "2020-01-01").set("traits.tier", "Gold")
            .set("traits.lifecycle_stage", "Adopted").set("traits.seats", 40).set("traits.renewal", "2024-09-01")
            .set("traits.region", "EMEA"),
        group("acme", "u2"),
        group("globex", "u3").set("traits.name", "Globex"), // no createdAt: pending
        group("initech", "u4").set("traits.name", "Initech").set("traits.createdAt", "2021-03-01")
            .set("traits.tier", "Silver").set("traits.is_churned", true).set("traits.seats", 5)
            .set("traits.renewal", "2024-07-01").set("traits.region", "AMER"),
        group("umbrella", "u5").set("traits.name", "umbrella").set("traits.createdAt", "2022-01-01"),
        // acme, u1: 06-14 two events 4 minutes apart (one session, 240 s active), 06-10, 05-20.
        track("u1", "acme", "2024-06-14T09:00:00Z"), track("u1", "acme", "2024-06-14T09:04:00Z"),
        track("u1", "acme", "2024-06-10T09:00:00Z"), track("u1", "acme", "2024-05-20T09:00:00Z"),
        // acme, u2: 06-01, through its link (the event names no account).
        track("u2", null, "2024-06-01T15:00:00Z"),
        // acme, the window before: 05-01, two events 2 minutes apart (120 s active).
        track("u1", "acme", "2024-05-01T09:00:00Z"), track("u1", "acme", "2024-05-01T09:02:00Z"),
        // acme today: last seen, but outside every window.
        track("u1", "acme", "2024-06-15T08:00:00Z"),
        // globex, u3 through its link: 06-13.
        track("u3", null, "2024-06-13T10:00:00Z"),
        // initech: last seen long ago.
        track("u4", "initech", "2024-03-01T10:00:00Z"));
  }

  @AfterEach
  void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  @Test
  void eachAccountCarriesItsFiguresOverWindowsEndingYesterday() {
    JsonNode acme = only(list("q=acme"));
    assertThat(acme.get("name").asText()).isEqualTo("Acme");
    assertThat(acme.get("activeUsers7d").asInt()).isEqualTo(1);
    assertThat(acme.get("activeUsers30d").asInt()).isEqualTo(2);
    assertThat(acme.get("sessions30d").asInt()).isEqualTo(4);
    assertThat(acme.get("activeSeconds30d").asDouble()).isEqualTo(240.0);
    assertThat(acme.get("daysActive30d").asInt()).isEqualTo(4);
    assertThat(acme.get("trend").asDouble()).isEqualTo(2.0); // 240 s against 120 s
    assertThat(acme.get("usersTotal").asInt()).isEqualTo(2);
    assertThat(acme.get("dauMau").asDouble()).isCloseTo(4 / 30.0 / 2, within(1e-9)); // 4 user-days, 2 users
    assertThat(acme.get("lastSeenAt").asText()).isEqualTo("2024-06-15T08:00:00Z");
    assertThat(acme.at("/dimensions/seats").asInt()).isEqualTo(40);

    JsonNode globex = only(list("q=globex"));
    assertThat(globex.get("pending").asBoolean()).isTrue();
    assertThat(globex.get("activeUsers30d").asInt()).isEqualTo(1);
    assertThat(globex.get("sessions30d").asInt()).isEqualTo(1);
    assertThat(globex.get("activeSeconds30d").asDouble()).isZero();
    assertThat(globex.get("trend").isNull()).as("nothing in the 30 days before").isTrue();
    assertThat(globex.get("dauMau").asDouble()).isCloseTo(1 / 30.0, within(1e-9));

    JsonNode initech = only(list("q=initech"));
    assertThat(initech.get("activeUsers30d").asInt()).isZero();
    assertThat(initech.get("dauMau").isNull()).isTrue();
    assertThat(initech.get("lastSeenAt").asText()).as("its group call").isEqualTo("2024-04-01T00:00:00Z");
  }

  @Test
  void filtersKeepOnlyTheAccountsTheyName() {
    assertThat(ids(list("tier=gold"))).containsExactly("acme");
    assertThat(ids(list("lifecycleStage=Adopted"))).containsExactly("acme");
    assertThat(ids(list("isChurned=true"))).containsExactly("initech");
    assertThat(ids(list("isChurned=false"))).containsExactly("acme", "globex", "umbrella");
    assertThat(ids(list("pending=true"))).containsExactly("globex");
    assertThat(ids(list("dimension.region=emea"))).containsExactly("acme");
    assertThat(ids(list("dimension.seats>10"))).containsExactly("acme");
    assertThat(ids(list("dimension.seats<=5"))).containsExactly("initech");
    assertThat(ids(list("dimension.renewal<2024-08-01"))).containsExactly("initech");
    assertThat(ids(list("dimension.renewal>=2024-09-01"))).containsExactly("acme");
    assertThat(ids(list("inactiveDays=30"))).as("last seen over 30 days ago, or never").containsExactly("initech", "umbrella");
    assertThat(ids(list("q=GLO"))).containsExactly("globex");
    assertThat(ids(list("tier=gold&pending=true"))).isEmpty();
  }

  @Test
  void anEmptyResultSaysSo() {
    JsonNode body = list("q=nothing-like-this");
    assertThat(body.get("accounts")).isEmpty();
    assertThat(body.get("total").asInt()).isZero();
    assertThat(body.get("nextCursor").isNull()).isTrue();
  }

  @Test
  void sortsByAnyFigureEitherWayWithTiesInIdOrderAndNullsLast() {
    assertThat(ids(list(""))).as("by name by default").containsExactly("acme", "globex", "initech", "umbrella");
    assertThat(ids(list("sort=activeUsers30d&order=desc"))).containsExactly("acme", "globex", "initech", "umbrella");
    assertThat(ids(list("sort=activeUsers30d"))).as("ties (0) by id").containsExactly("initech", "umbrella", "globex", "acme");
    assertThat(ids(list("sort=trend&order=desc"))).as("nulls last").containsExactly("acme", "globex", "initech", "umbrella");
    assertThat(ids(list("sort=lastSeenAt"))).containsExactly("initech", "umbrella", "globex", "acme");
    assertThat(ids(list("sort=usersTotal&order=desc"))).containsExactly("acme", "globex", "initech", "umbrella");
  }

  @Test
  void cursorPagesWalkTheWholeListOnceAndSayTheTotal() {
    for (String order : List.of("sort=activeUsers30d&order=desc", "sort=activeUsers30d", "sort=name&order=desc")) {
      List<String> walked = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        JsonNode page = list(order + "&limit=1" + (cursor == null ? "" : "&cursor=" + cursor));
        assertThat(page.get("total").asInt()).isEqualTo(4);
        walked.addAll(ids(page));
        cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        pages++;
      } while (cursor != null);
      assertThat(pages).isEqualTo(4);
      assertThat(walked).as(order).isEqualTo(ids(list(order)));
    }
    JsonNode lastPage = list("limit=3&cursor=" + list("limit=3").get("nextCursor").asText());
    assertThat(ids(lastPage)).containsExactly("umbrella");
    assertThat(lastPage.get("nextCursor").isNull()).isTrue();
  }

  @Test
  void figuresFollowLateEventsLinksAndTheTurnOfTheDay() {
    assertThat(only(list("q=globex")).get("sessions30d").asInt()).isEqualTo(1);

    server.sendProcessed(keys, track("u3", null, "2024-06-12T10:00:00Z")); // late, for a past day
    assertThat(only(list("q=globex")).get("sessions30d").asInt()).isEqualTo(2);

    server.sendProcessed(keys, group("globex", "u2").at("2024-06-15T09:00:00Z")); // u2 moves from acme to globex
    JsonNode globex = only(list("q=globex"));
    assertThat(globex.get("sessions30d").asInt()).isEqualTo(3); // u2's 06-01 came along
    assertThat(globex.get("usersTotal").asInt()).isEqualTo(2);
    JsonNode acme = only(list("q=acme"));
    assertThat(acme.get("activeUsers30d").asInt()).isEqualTo(1);
    assertThat(acme.get("usersTotal").asInt()).isEqualTo(1);

    // Today's events are in no window until the day turns.
    assertThat(acme.get("activeUsers7d").asInt()).isEqualTo(1);
    clock.advance(Duration.ofDays(1));
    acme = only(list("q=acme"));
    assertThat(acme.get("sessions30d").asInt()).as("06-15 now counts").isEqualTo(4);
    assertThat(acme.get("daysActive30d").asInt()).isEqualTo(4); // 05-20, 06-10, 06-14, 06-15
  }

  @Test
  void csvHasTheSameRowsAndColumnsAsJson() throws Exception {
    JsonNode listed = list("sort=activeSeconds30d&order=desc");
    HttpResponse<String> byAccept =
        server.get("/api/v1/accounts?sort=activeSeconds30d&order=desc", "Authorization", keys.bearer(), "Accept", "text/csv");
    HttpResponse<String> byFormat =
        server.get("/api/v1/accounts?sort=activeSeconds30d&order=desc&format=csv", "Authorization", keys.bearer());
    assertThat(byAccept.statusCode()).isEqualTo(200);
    assertThat(byAccept.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
    assertThat(byFormat.body()).isEqualTo(byAccept.body());

    List<Map<String, String>> rows = Csv.read(byAccept.body());
    assertThat(rows).hasSize(listed.get("accounts").size());
    for (int i = 0; i < rows.size(); i++) {
      JsonNode account = listed.get("accounts").get(i);
      Map<String, String> row = rows.get(i);
      assertThat(row.get("id")).isEqualTo(account.get("id").asText());
      assertThat(row.get("name")).isEqualTo(account.get("name").asText());
      for (String figure : List.of("activeUsers7d", "activeUsers30d", "sessions30d", "activeSeconds30d", "daysActive30d",
          "usersTotal", "lastSeenAt", "trend", "dauMau")) {
        assertThat(row.get(figure)).as(figure).isEqualTo(account.get(figure).isNull() ? "" : account.get(figure).asText());
      }
      assertThat(row.get("dimensions.seats")).isEqualTo(account.at("/dimensions/seats").isMissingNode() ? "" : account.at("/dimensions/seats").asText());
    }
    assertThat(rows.get(0).get("dimensions.region")).isEqualTo("EMEA");
  }

  @Test
  void csvIsTheWholeListUnlessAPageIsAskedFor() throws Exception {
    HttpResponse<String> page = server.get("/api/v1/accounts?format=csv&limit=3", "Authorization", keys.bearer());
    assertThat(Csv.read(page.body())).extracting(row -> row.get("id")).containsExactly("acme", "globex", "initech");
    String cursor = page.headers().firstValue("X-Next-Cursor").orElseThrow();
    HttpResponse<String> rest = server.get("/api/v1/accounts?format=csv&limit=3&cursor=" + cursor, "Authorization", keys.bearer());
    assertThat(Csv.read(rest.body())).extracting(row -> row.get("id")).containsExactly("umbrella");
    assertThat(rest.headers().firstValue("X-Next-Cursor")).isEmpty();

    Events[] more = new Events[60];
    for (int i = 0; i < more.length; i++) {
      more[i] = group("more-" + i, "more-user-" + i).set("traits.name", "More " + i).set("traits.createdAt", "2023-01-01");
    }
    server.sendProcessed(keys, more);
    assertThat(list("").get("accounts")).as("a JSON page").hasSize(50);
    HttpResponse<String> all = server.get("/api/v1/accounts?format=csv", "Authorization", keys.bearer());
    assertThat(Csv.read(all.body())).as("the whole list").hasSize(64);
  }

  @Test
  void badParametersAreRefusedWithTheirName() {
    assertRefused("sort=popularity", "sort");
    assertRefused("order=up", "order");
    assertRefused("isChurned=maybe", "isChurned");
    assertRefused("inactiveDays=-1", "inactiveDays");
    assertRefused("dimension.colour=red", "dimension.colour");
    assertRefused("dimension.region>EMEA", "dimension.region");
    assertRefused("dimension.seats>many", "dimension.seats");
    assertRefused("limit=0", "limit");
    assertRefused("cursor=not-a-cursor", "cursor");
    assertRefused("sort=name&cursor=" + list("sort=usersTotal&limit=1").get("nextCursor").asText(), "cursor");
  }

  @Test
  void anotherWorkspaceSeesNoneOfThem() {
    Keys other = server.createWorkspace("Other");
    HttpResponse<String> response = server.get("/api/v1/accounts", "Authorization", other.bearer());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("total").asInt()).isZero();
    assertThat(server.get("/api/v1/accounts").statusCode()).isEqualTo(401);
  }

  private void assertRefused(String query, String field) {
    HttpResponse<String> response = server.get("/api/v1/accounts?" + escaped(query), "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(query).isEqualTo(400);
    assertThat(json(response).get("field").asText()).as(query).isEqualTo(field);
    assertThat(json(response).get("reason").asText()).as(query).isNotBlank();
  }

  private JsonNode list(String query) {
    HttpResponse<String> response = server.get("/api/v1/accounts?" + escaped(query), "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
    return json(response);
  }

  private static JsonNode only(JsonNode list) {
    assertThat(list.get("accounts")).hasSize(1);
    return list.get("accounts").get(0);
  }

  private static List<String> ids(JsonNode list) {
    List<String> ids = new ArrayList<>();
    list.get("accounts").forEach(account -> ids.add(account.get("id").asText()));
    return ids;
  }

  /** {@code <} and {@code >} may not stand in a URI as they are. */
  private static String escaped(String query) {
    return query.replace("<", "%3C").replace(">", "%3E");
  }

  private static Events group(String account, String user) {
    return Events.group(account).user(user).session(user).at("2024-04-01T00:00:00Z");
  }

  private static Events track(String user, String account, String time) {
    Events event = Events.track("Open").user(user).session(user).at(time).module("Reports");
    return account == null ? event : event.account(account);
  }

  private void put(String settings) {
    HttpResponse<String> response = server.put("/api/v1/settings", settings, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
