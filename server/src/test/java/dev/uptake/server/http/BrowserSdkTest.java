package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.server.web.Chromium;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser SDKs customers already run, from npm, in Debian's Chromium, on a page of another
 * origin (a customer's site) than Uptake's: Segment's {@code @segment/analytics-next} and
 * RudderStack's {@code @rudderstack/analytics-js}. Every call arrives and becomes users, accounts
 * and usage; an event sent while the store refuses writes (503) arrives through the SDK's own
 * retry, whose extra headers the CORS preflight must allow.
 */
class BrowserSdkTest {

  static final Path NODE_MODULES = Path.of("src/test/node/node_modules");

  @TempDir Path dir;
  @TempDir Path profile;

  @Test
  void segmentAnalyticsNextDeliversEveryCallAndRetriesAfterA503() throws Exception {
    NodeSdks.require("@segment/analytics-next");
    run("/segment.html?writeKey=%s&apiHost=127.0.0.1:%d/v1");
  }

  @Test
  void rudderStackAnalyticsJsDeliversEveryCallAndRetriesAfterA503() throws Exception {
    NodeSdks.require("@rudderstack/analytics-js");
    run("/rudder.html?writeKey=%s&dataPlaneUrl=http://127.0.0.1:%d");
  }

  private void run(String page) throws Exception {
    try (TestServer server = TestServer.start(dir);
        CustomerSite site = CustomerSite.start()) {
      Keys keys = server.createWorkspace("Acme");
      ChromeDriver browser = Chromium.start(profile);
      try {
        browser.get(site.url(String.format(page, keys.writeKey(), server.port())));
        call(browser, "identify", "'u1', {first_name: 'Ada', email: 'ada@example.com'}");
        call(browser, "group", "'acme', {name: 'Acme', createdAt: '2024-01-01T00:00:00Z'}");
        call(browser, "track", "'Added Widget', {module: 'Dashboard'}");
        call(browser, "page", "'Home'");
        await(() -> server.stats(keys).get("accepted").asInt() == 4, "4 events accepted: " + server.stats(keys));
        server.awaitProcessed(keys);
        JsonNode user = get(server, keys, "/api/v1/users/u1");
        assertThat(user.at("/email").asText()).isEqualTo("ada@example.com");
        assertThat(user.at("/firstName").asText()).isEqualTo("Ada");
        JsonNode account = get(server, keys, "/api/v1/accounts/acme");
        assertThat(account.at("/name").asText()).isEqualTo("Acme");
        assertThat(account.get("pending").asBoolean()).isFalse();
        JsonNode tracks = get(server, keys, "/api/v1/events?type=track&accountId=acme").get("events");
        assertThat(tracks).singleElement().satisfies(event -> {
          assertThat(event.get("name").asText()).isEqualTo("Added Widget");
          assertThat(event.get("module").asText()).isEqualTo("Dashboard");
          assertThat(event.get("userId").asText()).isEqualTo("u1");
        });

        AutoCloseable held = server.holdAppends(); // the event log's writer now waits, then answers 503
        try {
          browser.executeScript("window.call('track', 'After Outage', {module: 'Reports'})");
          Thread.sleep(12_000);
          assertThat(server.stats(keys).get("accepted").asInt()).as("nothing acknowledged while locked").isEqualTo(4);
        } finally {
          held.close();
        }
        await(() -> server.stats(keys).get("accepted").asInt() == 5, "the retried event arrived: " + server.stats(keys));
        assertThat(get(server, keys, "/api/v1/events?type=track&accountId=acme").get("events"))
            .extracting(event -> event.get("name").asText()).containsExactly("After Outage", "Added Widget");
        assertThat((List<?>) browser.executeScript("return window.errors")).isEmpty();
      } finally {
        browser.quit();
      }
    }
  }

  private static void call(ChromeDriver browser, String method, String arguments) {
    browser.executeScript("window.call('" + method + "', " + arguments + ")");
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(
        driver -> ((List<?>) browser.executeScript("return window.done")).contains(method));
  }

  private static JsonNode get(TestServer server, Keys keys, String path) {
    HttpResponse<String> response = server.get(path, "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return TestServer.json(response);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** A customer's site on its own origin: the test pages, and the SDKs' files from npm. */
  static final class CustomerSite implements AutoCloseable {
    private static final Map<String, Path> SDKS = Map.of(
        "/sdk/segment/", NODE_MODULES.resolve("@segment/analytics-next/dist/umd"),
        "/sdk/rudder/", NODE_MODULES.resolve("@rudderstack/analytics-js/dist/npm/modern/bundled/umd"));

    private final HttpServer http;

    private CustomerSite(HttpServer http) {
      this.http = http;
    }

    static CustomerSite start() throws IOException {
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.createContext("/", CustomerSite::serve);
      http.start();
      return new CustomerSite(http);
    }

    String url(String path) {
      return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private static void serve(HttpExchange exchange) throws IOException {
      String path = exchange.getRequestURI().getPath();
      byte[] body = null;
      for (Map.Entry<String, Path> sdk : SDKS.entrySet()) {
        Path file = sdk.getValue().resolve(path.substring(Math.min(path.length(), sdk.getKey().length()))).normalize();
        if (path.startsWith(sdk.getKey()) && file.startsWith(sdk.getValue()) && Files.isRegularFile(file)) {
          body = Files.readAllBytes(file);
        }
      }
      if (body == null && path.endsWith(".html")) {
        try (InputStream page = BrowserSdkTest.class.getResourceAsStream("/sdk-pages" + path)) {
          body = page == null ? null : page.readAllBytes();
        }
      }
      String type = path.endsWith(".html") ? "text/html; charset=utf-8" : "application/javascript";
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
      if (body != null) {
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
}
