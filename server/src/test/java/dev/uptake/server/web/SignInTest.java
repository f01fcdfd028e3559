package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing in to the web app over plain HTTP, as a browser does it: the one-time password that
 * {@code uptake workspace create} printed, cookie flags, CSRF on every form, throttled guessing.
 */
class SignInTest {

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  @TempDir Path dir;
  TestServer server;
  Keys keys;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    keys = server.createWorkspace("Acme Analytics");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void thePrintedOneTimePasswordSignsTheFirstAdminIn() {
    Browser browser = new Browser();
    HttpResponse<String> signedIn = browser.signIn(keys.adminEmail(), keys.adminPassword());
    assertThat(signedIn.statusCode()).isEqualTo(303);
    assertThat(signedIn.headers().firstValue("Location")).hasValue("/");
    String cookie = signedIn.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(WebRoutes.SESSION_COOKIE + "=")).findFirst().orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax");

    HttpResponse<String> home = browser.get("/");
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).contains("Acme Analytics").contains(keys.adminEmail()).contains("(admin)");
  }

  @Test
  void wrongPasswordsAndUnknownAddressesGetTheSameAnswer() {
    HttpResponse<String> wrong = new Browser().signIn(keys.adminEmail(), "not-the-password");
    HttpResponse<String> unknown = new Browser().signIn("nobody@example.com", keys.adminPassword());
    for (HttpResponse<String> response : List.of(wrong, unknown)) {
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).contains("Wrong e-mail address or password.");
      assertThat(response.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(WebRoutes.SESSION_COOKIE + "="));
    }
  }

  @Test
  void formsWithoutTheirCsrfTokenAreRefused() {
    Browser browser = new Browser();
    browser.get("/login");
    HttpResponse<String> forged = browser.post("/login",
        Map.of("csrf", "guessed", "email", keys.adminEmail(), "password", keys.adminPassword()));
    assertThat(forged.statusCode()).isEqualTo(403);

    assertThat(browser.signIn(keys.adminEmail(), keys.adminPassword()).statusCode()).isEqualTo(303);
    assertThat(browser.post("/logout", Map.of()).statusCode()).as("sign-out without the token").isEqualTo(403);
    assertThat(browser.get("/").statusCode()).as("still signed in").isEqualTo(200);

    HttpResponse<String> out = browser.post("/logout", Map.of("csrf", browser.csrf(browser.get("/").body())));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(browser.get("/").headers().firstValue("Location")).as("signed out").hasValue("/login");
  }

  @Test
  void repeatedFailuresAreThrottledEvenBeforeTheRightPassword() {
    for (int i = 0; i < SignInThrottle.MAX_FAILURES; i++) {
      assertThat(new Browser().signIn(keys.adminEmail(), "guess-" + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> throttled = new Browser().signIn(keys.adminEmail(), keys.adminPassword());
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.body()).contains("Too many failed sign-ins");
  }

  @Test
  void aViewerAddedByTheCommandLineSignsInAsViewer() {
    JsonNode added = TestServer.cli("user", "add", "--workspace", keys.workspace(), "--email", "vera@acme.test",
        "--data", dir.toString());
    assertThat(added.get("role").asText()).isEqualTo("viewer");
    Browser browser = new Browser();
    assertThat(browser.signIn("vera@acme.test", added.get("password").asText()).statusCode()).isEqualTo(303);
    assertThat(browser.get("/").body()).contains("vera@acme.test (viewer)");
  }

  @Test
  void signedOutVisitorsAreSentToTheSignInPage() {
    HttpResponse<String> home = new Browser().get("/");
    assertThat(home.statusCode()).isEqualTo(303);
    assertThat(home.headers().firstValue("Location")).hasValue("/login");
  }

  /** Cookies kept across requests, as a browser keeps them; no redirects followed. */
  private final class Browser {
    private final Map<String, String> cookies = new HashMap<>();

    HttpResponse<String> signIn(String email, String password) {
      String csrf = csrf(get("/login").body());
      return post("/login", Map.of("csrf", csrf, "email", email, "password", password));
    }

    String csrf(String page) {
      Matcher matcher = CSRF.matcher(page);
      assertThat(matcher.find()).as("a form with a CSRF token").isTrue();
      return matcher.group(1);
    }

    HttpResponse<String> get(String path) {
      return keep(server.send(request(path).GET()));
    }

    HttpResponse<String> post(String path, Map<String, String> form) {
      StringBuilder body = new StringBuilder();
      form.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(name).append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
      return keep(server.send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString()))));
    }

    private HttpRequest.Builder request(String path) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url(path)));
      if (!cookies.isEmpty()) {
        request.header("Cookie", String.join("; ", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue()).toList()));
      }
      return request;
    }

    private HttpResponse<String> keep(HttpResponse<String> response) {
      for (String header : response.headers().allValues("Set-Cookie")) {
        String pair = header.split(";", 2)[0];
        String name = pair.substring(0, pair.indexOf('='));
        String value = pair.substring(pair.indexOf('=') + 1);
        if (value.isEmpty() || header.contains("Max-Age=0")) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
        }
      }
      return response;
    }
  }
}
