package dev.uptake.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * The accounts list on a workspace of many accounts with 30 days of history, sent through the real
 * ingestion path and processed: the first list (the server builds its account directory), then the
 * latency of the default page and of a filtered page sorted by another figure, one request at a time.
 */
final class AccountsBench {

  /** Each account: users, days of history, and each user active on some of those days. */
  static final int USERS_PER_ACCOUNT = 3;
  static final int DAYS = 30;
  static final int ACTIVE_DAYS_PER_USER = 8;
  static final String[] MODULES = {"Dashboard", "Reports", "Admin", "Billing"};
  static final String[] FEATURES = {"Open", "Export", "Share", "Filter", "Invite"};
  static final String FILTERED = "?tier=Gold&dimension.seats%3E50&sort=activeSeconds30d&order=desc";

  /** What it measured; latencies in milliseconds. */
  record Result(int accounts, long events, double fillSeconds, double processSeconds, double firstListMs,
      Latency defaultPage, Latency filteredPage, int filteredTotal, Map<String, Latency> accountRoutes) {}

  /** The parts of one account's page, each read for random accounts: the API routes and the page itself. */
  static final List<String> ACCOUNT_ROUTES = List.of(
      "/api/v1/accounts/%s/usage", "/api/v1/accounts/%s/users", "/api/v1/accounts/%s/features",
      "/api/v1/accounts/%s/modules", "/api/v1/accounts/%s/sessions", "/accounts/%s");

  record Latency(long requests, double p50Ms, double p99Ms, double maxMs) {}

  private AccountsBench() {}

  static Result run(URI server, Shape.Keys keys, int accounts, int requests, PrintStream log) throws Exception {
    Api api = new Api(server, keys.adminToken());
    HttpClient http = HttpClient.newHttpClient();
    put(http, server, keys, "{\"tiers\":[\"Gold\",\"Silver\",\"Bronze\"],\"dimensions\":[{\"name\":\"seats\",\"type\":\"number\","
        + "\"source\":\"group\",\"trait\":\"seats\"}]}");
    long start = System.nanoTime();
    long events = fill(http, server.resolve(Shape.NDJSON_100.path(keys, "")), accounts);
    double fillSeconds = (System.nanoTime() - start) / 1e9;
    log.printf("accounts list: %,d accounts, %,d events sent in %.1f s; processing…%n", accounts, events, fillSeconds);
    start = System.nanoTime();
    api.awaitProcessed(Duration.ofMinutes(30));
    double processSeconds = (System.nanoTime() - start) / 1e9;
    start = System.nanoTime();
    api.get("/api/v1/accounts");
    double firstListMs = (System.nanoTime() - start) / 1e6;
    Latency defaultPage = latency(api, "/api/v1/accounts", requests);
    Latency filteredPage = latency(api, "/api/v1/accounts" + FILTERED, requests);
    int filteredTotal = api.get("/api/v1/accounts" + FILTERED).get("total").asInt();
    WebSession browser = WebSession.signIn(server, keys);
    Map<String, Latency> accountRoutes = new LinkedHashMap<>();
    for (String route : ACCOUNT_ROUTES) {
      Random pick = new Random(11);
      Latency latency = latency(requests, () -> {
        String path = String.format(route, "acct-" + pick.nextInt(accounts));
        int status = path.startsWith("/api/") ? api.status(path) : browser.status(path);
        if (status != 200) {
          throw new IOException(path + " answered " + status);
        }
      });
      accountRoutes.put(route, latency);
      log.printf("  %-32s p50 %6.1f ms  p99 %6.1f ms%n", route, latency.p50Ms(), latency.p99Ms());
    }
    log.printf("accounts list of %,d: first %.0f ms; default page p50 %.1f ms p99 %.1f ms; filtered (%,d) and sorted p50 %.1f ms"
            + " p99 %.1f ms%n",
        accounts, firstListMs, defaultPage.p50Ms(), defaultPage.p99Ms(), filteredTotal, filteredPage.p50Ms(), filteredPage.p99Ms());
    return new Result(accounts, events, fillSeconds, processSeconds, firstListMs, defaultPage, filteredPage, filteredTotal,
        accountRoutes);
  }

  private static Latency latency(Api api, String path, int requests) throws IOException, InterruptedException {
    return latency(requests, () -> {
      if (api.get(path).get("accounts").isEmpty()) {
        throw new IllegalStateException(path + " listed no accounts");
      }
    });
  }

  /** One request, checked. */
  interface Request {
    void send() throws IOException, InterruptedException;
  }

  private static Latency latency(int requests, Request request) throws IOException, InterruptedException {
    Histogram histogram = new Histogram(3);
    for (int i = 0; i < requests; i++) {
      long start = System.nanoTime();
      request.send();
      histogram.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
    }
    return new Latency(histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0);
  }

  /** Group calls for every account, then each user's events on their active days, as NDJSON of 1,000 lines. */
  private static long fill(HttpClient http, URI nativeUri, int accounts) throws IOException, InterruptedException {
    Random random = new Random(7);
    Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
    StringBuilder body = new StringBuilder();
    long events = 0;
    int lines = 0;
    for (int a = 0; a < accounts; a++) {
      String tier = a % 3 == 0 ? "Gold" : a % 3 == 1 ? "Silver" : "Bronze";
      for (int u = 0; u < USERS_PER_ACCOUNT; u++) {
        String user = "u" + a + "-" + u;
        body.append("{\"type\":\"group\",\"userId\":\"").append(user).append("\",\"groupId\":\"acct-").append(a)
            .append("\",\"traits\":{\"name\":\"Account ").append(a).append("\",\"createdAt\":\"2024-01-01\",\"tier\":\"")
            .append(tier).append("\",\"seats\":").append(1 + random.nextInt(100)).append("},\"originalTimestamp\":\"")
            .append(today.minus(DAYS + 1, ChronoUnit.DAYS)).append("\"}\n");
        lines++;
        for (int d = 0; d < ACTIVE_DAYS_PER_USER; d++) {
          Instant at = today.minus(1 + random.nextInt(DAYS), ChronoUnit.DAYS).plusSeconds(8 * 3600 + random.nextInt(8 * 3600));
          for (int e = 0; e < 2; e++) {
            body.append("{\"type\":\"track\",\"userId\":\"").append(user).append("\",\"event\":\"")
                .append(FEATURES[random.nextInt(FEATURES.length)]).append("\",\"properties\":{\"module\":\"")
                .append(MODULES[random.nextInt(MODULES.length)]).append("\"},\"originalTimestamp\":\"")
                .append(at.plusSeconds(e * 240L)).append("\"}\n");
            lines++;
          }
        }
        if (lines >= 1_000) {
          events += send(http, nativeUri, body);
          lines = 0;
        }
      }
    }
    return events + send(http, nativeUri, body);
  }

  private static long send(HttpClient http, URI nativeUri, StringBuilder body) throws IOException, InterruptedException {
    if (body.isEmpty()) {
      return 0;
    }
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(nativeUri).header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("filling answered " + response.statusCode() + ": " + response.body());
    }
    body.setLength(0);
    return Api.JSON.readTree(response.body()).get("accepted").asLong();
  }

  private static void put(HttpClient http, URI server, Shape.Keys keys, String settings) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(server.resolve("/api/v1/settings")).header("Authorization", "Bearer " + keys.adminToken())
            .PUT(HttpRequest.BodyPublishers.ofString(settings)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("settings answered " + response.statusCode() + ": " + response.body());
    }
  }
}
