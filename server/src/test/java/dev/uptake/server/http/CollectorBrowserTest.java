package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.server.web.Chromium;
import dev.uptake.server.web.CollectorSnippet;
import dev.uptake.server.web.WebClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * uptake.js in Debian's Chromium, on a customer's page of its own origin, loaded by the snippet the
 * IT Administration Center shows: activity in two modules, an idle pause, a second tab (the first
 * hidden), the server answering 503 and a reload with events queued, then 200. The active time the
 * server reads back per module and session is what the test did, within a second, and every event
 * counts once.
 */
class CollectorBrowserTest {

  static final int IDLE_SECONDS = 2;

  @TempDir Path dir;
  @TempDir Path profile;

  @Test
  void activeTimeIsMeasuredPerModuleAndSessionAndEveryEventArrivesOnce() throws Exception {
    try (TestServer server = TestServer.start(dir);
        Gate gate = Gate.start(server.url(""));
        Site site = Site.start()) {
      Keys keys = server.createWorkspace("Acme");
      site.page = "<!doctype html><html><head><title>App</title>"
          + "<script>window.errors = []; window.addEventListener('error', e => window.errors.push(e.message));</script>"
          + CollectorSnippet.of(gate.url(), "{writeKey: \"" + keys.writeKey() + "\", idleSeconds: " + IDLE_SECONDS
              + ", syncSeconds: 1}")
          + "</head><body><button id=\"invoice\" data-uptake-module=\"Billing\" data-uptake-feature=\"Open Invoice\">"
          + "Invoice</button><div id=\"pad\" style=\"width:900px;height:500px;background:#eee\"></div></body></html>";
      ChromeDriver browser = Chromium.start(profile);
      try {
        browser.get(site.url("/app.html"));
        awaitScript(browser);
        browser.executeScript("uptake.identify('u1', {email: 'u1@acme.test'});"
            + " uptake.group('acme', {name: 'Acme', createdAt: '2024-01-01T00:00:00Z'}); uptake.setModule('Reports')");
        Thread.sleep((IDLE_SECONDS + 1) * 1000L); // the page load's own run of activity ends, idle

        double reports = moveFor(browser, 4_000);
        long clicked = System.nanoTime();
        browser.findElement(By.id("invoice")).click(); // data attributes: module Billing, feature Open Invoice
        double billing = (System.nanoTime() - clicked) / 1e9 + moveFor(browser, 3_000);
        Thread.sleep((IDLE_SECONDS + 1) * 1000L); // idle: the pause is not active time
        billing += moveFor(browser, 2_000);

        String first = browser.getWindowHandle();
        WebDriver second = browser.switchTo().newWindow(WindowType.TAB); // the first tab is hidden now
        second.get(site.url("/app.html"));
        awaitScript(browser);
        assertThat(browser.executeScript("return document.visibilityState")).isEqualTo("visible");
        Thread.sleep((IDLE_SECONDS + 1) * 1000L);
        browser.executeScript("uptake.setModule('Reports')");
        reports += moveFor(browser, 2_000);
        Thread.sleep((IDLE_SECONDS + 1) * 1000L);

        double total = reports + billing;
        await(() -> measured(server, keys) != null && Math.abs(measured(server, keys).get("activeSeconds").asDouble()
            - total) < 1.0, () -> "measured time arrived (" + total + " s): " + measured(server, keys));
        JsonNode session = measured(server, keys);
        assertThat(session.get("timeSource").asText()).isEqualTo("measured");
        assertThat(session.at("/modules/Reports/activeSeconds").asDouble()).isCloseTo(reports, within(1.0));
        assertThat(session.at("/modules/Billing/activeSeconds").asDouble()).isCloseTo(billing, within(1.0));
        assertThat(session.at("/modules/Billing/timeSource").asText()).isEqualTo("measured");
        JsonNode usage = get(server, keys, "/api/v1/users/u1/usage");
        assertThat(usage.at("/modules/Reports/activeSeconds").asDouble()).isCloseTo(reports, within(1.0));
        assertThat(usage.at("/modules/Reports/timeSource").asText()).isEqualTo("measured");
        WebClient admin = new WebClient(server);
        assertThat(admin.signIn(keys.adminEmail(), keys.adminPassword()).statusCode()).isEqualTo(303);
        assertThat(admin.get("/users/u1").body()).as("the user's page says so")
            .contains("<small class=\"time-source\">measured</small>");

        gate.failWith = 503;
        browser.executeScript("uptake.feature('Export'); uptake.feature('Export'); uptake.feature('Share')");
        Thread.sleep(3_000); // refused and retried, kept in localStorage
        browser.navigate().refresh(); // a reload with the events still queued
        awaitScript(browser);
        Thread.sleep(2_000);
        assertThat(gate.refused).as("the server was asked and refused").isPositive();
        gate.failWith = 0;
        await(() -> featureEvents(server, keys, "Export") == 2 && featureEvents(server, keys, "Share") == 1,
            () -> "the queued events arrived: " + get(server, keys, "/api/v1/users/u1/usage").get("features"));
        Thread.sleep(3_000); // beacons and retries that may still come count nothing more
        assertThat(featureEvents(server, keys, "Export")).isEqualTo(2);
        assertThat(featureEvents(server, keys, "Open Invoice")).isEqualTo(1);
        assertThat((List<?>) browser.executeScript("return window.errors")).as("nothing thrown into the page").isEmpty();
        browser.switchTo().window(first);
        assertThat((List<?>) browser.executeScript("return window.errors")).isEmpty();
      } finally {
        browser.quit();
      }
    }
  }

  /**
   * Moves the pointer over the pad every 100 ms for about {@code millis}; returns the seconds from
   * the first move to the last: the active time a person moving so would have.
   */
  private static double moveFor(ChromeDriver browser, long millis) throws InterruptedException {
    WebElement pad = browser.findElement(By.id("pad"));
    long start = System.nanoTime();
    long last = start;
    for (int i = 0; System.nanoTime() - start < millis * 1_000_000L; i++) {
      new Actions(browser).moveToElement(pad, (i % 40) * 5 - 100, (i % 7) * 5).perform();
      last = System.nanoTime();
      Thread.sleep(100);
    }
    return (last - start) / 1e9;
  }

  /** The user's session with the most measured time, or null. */
  private static JsonNode measured(TestServer server, Keys keys) {
    server.awaitProcessed(keys);
    JsonNode best = null;
    for (JsonNode session : get(server, keys, "/api/v1/users/u1/sessions").get("sessions")) {
      if (best == null || session.get("activeSeconds").asDouble() > best.get("activeSeconds").asDouble()) {
        best = session;
      }
    }
    return best;
  }

  private static int featureEvents(TestServer server, Keys keys, String feature) {
    server.awaitProcessed(keys);
    int events = 0;
    for (JsonNode row : get(server, keys, "/api/v1/users/u1/usage").get("features")) {
      if (row.get("feature").asText().equals(feature)) {
        events += row.get("events").asInt();
      }
    }
    return events;
  }

  private static void awaitScript(ChromeDriver browser) throws InterruptedException {
    await(() -> Boolean.TRUE.equals(browser.executeScript("return !!(window.uptake && window.uptake.loaded)")),
        () -> "uptake.js loaded");
  }

  private static JsonNode get(TestServer server, Keys keys, String path) {
    HttpResponse<String> response = server.get(path, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return TestServer.json(response);
  }

  private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what.get()).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** Uptake as the page reaches it: every request passed on, or refused with {@link #failWith} while it is set. */
  static final class Gate implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final HttpServer http;
    private final String upstream;
    volatile int failWith;
    volatile int refused;

    private Gate(HttpServer http, String upstream) {
      this.http = http;
      this.upstream = upstream;
    }

    static Gate start(String upstream) throws IOException {
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      Gate gate = new Gate(http, upstream);
      http.createContext("/", gate::pass);
      http.start();
      return gate;
    }

    String url() {
      return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    private void pass(HttpExchange exchange) throws IOException {
      int status;
      byte[] body;
      List<String[]> headers = new ArrayList<>();
      byte[] request = exchange.getRequestBody().readAllBytes();
      if (failWith != 0 && exchange.getRequestURI().getPath().startsWith("/v1/")) {
        refused++;
        status = failWith;
        body = "{\"error\":\"unavailable\"}".getBytes(StandardCharsets.UTF_8);
        headers.add(new String[] {"Access-Control-Allow-Origin", "*"});
      } else {
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
            .method(exchange.getRequestMethod(), request.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request));
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null) {
          forward.header("Content-Type", type);
        }
        try {
          HttpResponse<byte[]> answer = HTTP.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
          status = answer.statusCode();
          body = answer.body();
          answer.headers().map().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
                && !name.startsWith(":")) {
              values.forEach(value -> headers.add(new String[] {name, value}));
            }
          });
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
      headers.forEach(header -> exchange.getResponseHeaders().add(header[0], header[1]));
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }

  /** The customer's site: one page, on its own origin. */
  static final class Site implements AutoCloseable {
    private final HttpServer http;
    volatile String page = "";

    private Site(HttpServer http) {
      this.http = http;
    }

    static Site start() throws IOException {
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      Site site = new Site(http);
      http.createContext("/", exchange -> {
        byte[] body = site.page.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
        exchange.close();
      });
      http.start();
      return site;
    }

    String url(String path) {
      return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }
}
