package dev.uptake.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.keys.EventKeys;
import dev.uptake.core.keys.Region;
import dev.uptake.core.settings.SettingsCodec;
import dev.uptake.server.web.Passwords;
import dev.uptake.store.Members;
import dev.uptake.store.Store;
import dev.uptake.store.StoreConfig;
import dev.uptake.store.Stores;
import dev.uptake.store.Workspaces;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Random;

/**
 * {@code uptake serve --demo}: a workspace of a few dozen accounts with 30 days of product usage,
 * sent through the server's own ingestion endpoint as a Segment destination would send it, so a
 * newcomer's first page has something to show. Seeded: every demo looks the same.
 */
final class Demo {

  /** What a newcomer needs to sign in. */
  record SignIn(String workspace, String email, String password, long events) {}

  static final int ACCOUNTS = 36;
  static final int DAYS = 30;
  private static final String[] MODULES = {"Dashboard", "Reports", "Billing", "Admin", "Integrations"};
  private static final String[][] FEATURES = {
    {"Viewed Dashboard", "Added Widget", "Shared Dashboard"},
    {"Ran Report", "Exported CSV", "Scheduled Report"},
    {"Viewed Invoice", "Updated Card"},
    {"Invited User", "Changed Role"},
    {"Connected Salesforce", "Synced Now"}};
  private static final String[] COMPANIES = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka",
    "Cyberdyne", "Soylent", "Tyrell", "Gringotts"};
  private static final String[] SUFFIXES = {"Corp", "Labs", "Group"};

  private static final ObjectMapper JSON = new ObjectMapper();

  private Demo() {}

  static SignIn load(StoreConfig storeConfig, URI server, Clock clock) throws IOException, InterruptedException {
    EventKeys keys;
    String adminToken;
    String workspace;
    Passwords.NewMember admin;
    try (Store store = Stores.open(storeConfig, clock)) {
      Workspaces.Created created = store.workspaces().create("Demo: Acme SaaS", Region.US);
      keys = created.keys();
      adminToken = created.adminToken();
      workspace = created.workspace().publicId();
      admin = Passwords.add(store.members(), "demo@" + workspace, created.workspace().id(), Members.Role.ADMIN);
      store.settings().put(created.workspace().id(), SettingsCodec.read(JSON.readTree(
          "{\"tiers\":[\"Enterprise\",\"Growth\",\"Starter\"],\"lifecycleStages\":[\"Onboarding\",\"Adopted\",\"At risk\"],"
              + "\"dimensions\":[{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"},"
              + "{\"name\":\"renewal\",\"type\":\"date\",\"source\":\"group\",\"trait\":\"renewal\"}]}")));
    }
    HttpClient http = HttpClient.newHttpClient();
    URI endpoint = server.resolve("/v1/" + keys.authKey() + "/" + keys.apiKey());
    long events = send(http, endpoint, traffic(clock.instant()));
    awaitProcessed(http, server, adminToken, events);
    return new SignIn(workspace, admin.email(), admin.password(), events);
  }

  /** NDJSON: group and identify calls first, then each user's sessions over the last 30 days. */
  private static String traffic(Instant now) {
    Random random = new Random(2024);
    Instant today = now.truncatedTo(ChronoUnit.DAYS);
    StringBuilder lines = new StringBuilder();
    for (int a = 0; a < ACCOUNTS; a++) {
      String account = "acct-" + (a + 1);
      String name = COMPANIES[a % COMPANIES.length] + " " + SUFFIXES[a / COMPANIES.length % SUFFIXES.length];
      // Some accounts are busy, some quiet, a few have gone silent: what a CSM looks for.
      double busy = a % 7 == 6 ? 0 : 0.15 + random.nextDouble() * 0.7;
      int users = 3 + random.nextInt(4);
      for (int u = 0; u < users; u++) {
        String user = account + "-user-" + (u + 1);
        ObjectNode group = call("group", user, today.minus(DAYS + 5, ChronoUnit.DAYS).plusSeconds(u));
        group.put("groupId", account);
        group.putObject("traits").put("name", name).put("createdAt", "2023-0" + (1 + a % 9) + "-15")
            .put("tier", a % 3 == 0 ? "Enterprise" : a % 3 == 1 ? "Growth" : "Starter")
            .put("lifecycle_stage", busy == 0 ? "At risk" : a % 4 == 0 ? "Onboarding" : "Adopted")
            .put("seats", 10 + random.nextInt(240)).put("renewal", "2027-0" + (1 + a % 9) + "-01");
        lines.append(group).append('\n');
        ObjectNode identify = call("identify", user, today.minus(DAYS + 5, ChronoUnit.DAYS).plusSeconds(60 + u));
        identify.putObject("traits").put("firstName", "User " + (u + 1)).put("lastName", name)
            .put("email", "user" + (u + 1) + "@" + account + ".example");
        lines.append(identify).append('\n');
        for (int d = DAYS; d >= 1; d--) {
          if (random.nextDouble() < busy) {
            session(lines, random, account, user, today.minus(d, ChronoUnit.DAYS).plusSeconds(8 * 3600 + random.nextInt(9 * 3600)));
          }
        }
      }
    }
    return lines.toString();
  }

  private static void session(StringBuilder lines, Random random, String account, String user, Instant start) {
    Instant at = start;
    for (int e = 3 + random.nextInt(10); e > 0; e--) {
      int module = random.nextInt(MODULES.length);
      ObjectNode track = call("track", user, at);
      track.put("groupId", account);
      track.put("event", FEATURES[module][random.nextInt(FEATURES[module].length)]);
      track.putObject("properties").put("module", MODULES[module]);
      lines.append(track).append('\n');
      at = at.plusSeconds(20 + random.nextInt(400));
    }
  }

  private static ObjectNode call(String type, String user, Instant at) {
    ObjectNode call = JSON.createObjectNode();
    call.put("type", type).put("userId", user).put("anonymousId", user).put("originalTimestamp", at.toString());
    return call;
  }

  /** Sends the lines in requests of 400, as a Segment destination sends batches. */
  private static long send(HttpClient http, URI endpoint, String ndjson) throws IOException, InterruptedException {
    long accepted = 0;
    String[] lines = ndjson.split("\n");
    for (int from = 0; from < lines.length; from += 400) {
      String body = String.join("\n", Arrays.copyOfRange(lines, from, Math.min(lines.length, from + 400)));
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint)
          .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("the demo's events were refused (" + response.statusCode() + "): " + response.body());
      }
      accepted += JSON.readTree(response.body()).get("accepted").asLong();
    }
    return accepted;
  }

  private static void awaitProcessed(HttpClient http, URI server, String adminToken, long events)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> stats = http.send(HttpRequest.newBuilder(server.resolve("/api/v1/stats"))
          .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode counts = JSON.readTree(stats.body());
      if (counts.path("processed").asLong() >= events) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException("the demo's events were not processed within 5 minutes");
  }
}
