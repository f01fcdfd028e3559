package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing in to the web app over plain HTTP, as a browser does it: the one-time password that
 * {@code uptake workspace create} printed, cookie flags, CSRF on every form, throttled guessing.
 */
class SignInTest {

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
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
  }

  @Test
  void thePrintedOneTimePasswordSignsTheFirstAdminIn() {
    WebClient browser = new WebClient(server);
    HttpResponse<String> signedIn = browser.signIn(keys.adminEmail(), keys.adminPassword());
    assertThat(signedIn.statusCode()).isEqualTo(303);
    assertThat(signedIn.headers().firstValue("Location")).hasValue("/");
    String cookie = signedIn.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(WebRoutes.SESSION_COOKIE + "=")).findFirst().orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax");

    assertThat(browser.get("/").headers().firstValue("Location")).hasValue("/accounts");
    HttpResponse<String> settings = browser.get("/settings");
    assertThat(settings.statusCode()).isEqualTo(200);
    assertThat(settings.body()).contains("Acme Analytics").contains(keys.adminEmail()).contains("(admin)");
  }

  @Test
  void wrongPasswordsAndUnknownAddressesGetTheSameAnswer() {
    HttpResponse<String> wrong = new WebClient(server).signIn(keys.adminEmail(), "not-the-password");
    HttpResponse<String> unknown = new WebClient(server).signIn("nobody@example.com", keys.adminPassword());
    for (HttpResponse<String> response : List.of(wrong, unknown)) {
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).contains("Wrong e-mail address or password.");
      assertThat(response.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(WebRoutes.SESSION_COOKIE + "="));
    }
  }

  @Test
  void formsWithoutTheirCsrfTokenAreRefused() {
    WebClient browser = new WebClient(server);
    browser.get("/login");
    HttpResponse<String> forged = browser.post("/login",
        Map.of("csrf", "guessed", "email", keys.adminEmail(), "password", keys.adminPassword()));
    assertThat(forged.statusCode()).isEqualTo(403);

    assertThat(browser.signIn(keys.adminEmail(), keys.adminPassword()).statusCode()).isEqualTo(303);
    assertThat(browser.post("/logout", Map.of()).statusCode()).as("sign-out without the token").isEqualTo(403);
    assertThat(browser.get("/settings").statusCode()).as("still signed in").isEqualTo(200);

    HttpResponse<String> out = browser.post("/logout", Map.of("csrf", browser.csrf(browser.get("/settings").body())));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(browser.get("/").headers().firstValue("Location")).as("signed out").hasValue("/login");
  }

  @Test
  void repeatedFailuresAreThrottledEvenBeforeTheRightPassword() {
    for (int i = 0; i < SignInThrottle.MAX_FAILURES; i++) {
      assertThat(new WebClient(server).signIn(keys.adminEmail(), "guess-" + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> throttled = new WebClient(server).signIn(keys.adminEmail(), keys.adminPassword());
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.body()).contains("Too many failed sign-ins");
  }

  @Test
  void concurrentWrongPasswordsGetNoMoreChecksThanTheLimit() throws Exception {
    int tries = 30;
    ExecutorService pool = Executors.newFixedThreadPool(tries);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < tries; i++) {
        String guess = "guess-" + i;
        answers.add(pool.submit(() -> {
          go.await();
          return new WebClient(server).signIn(keys.adminEmail(), guess).statusCode();
        }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get(60, TimeUnit.SECONDS));
      }
      assertThat(statuses).containsOnly(401, 429);
      assertThat(statuses.stream().filter(status -> status == 401).count())
          .as("password checks").isEqualTo(SignInThrottle.MAX_FAILURES);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aViewerAddedByTheCommandLineSignsInAsViewer() {
    JsonNode added = TestServer.cli("user", "add", "--workspace", keys.workspace(), "--email", "vera@acme.test",
        "--data", dir.toString());
    assertThat(added.get("role").asText()).isEqualTo("viewer");
    WebClient browser = new WebClient(server);
    assertThat(browser.signIn("vera@acme.test", added.get("password").asText()).statusCode()).isEqualTo(303);
    assertThat(browser.get("/settings").body()).contains("vera@acme.test (viewer)");
  }

  @Test
  void aMemberOfSeveralWorkspacesSwitchesBetweenThem() {
    Keys globex = server.createWorkspace("Globex");
    Keys initech = server.createWorkspace("Initech");
    TestServer.cli("user", "add", "--workspace", globex.workspace(), "--email", keys.adminEmail(), "--role", "viewer",
        "--data", dir.toString());
    WebClient browser = new WebClient(server);
    assertThat(browser.signIn(keys.adminEmail(), keys.adminPassword()).statusCode()).isEqualTo(303);
    String page = browser.get("/accounts").body();
    assertThat(page).contains("<span id=\"workspace\">Acme Analytics</span>")
        .contains("value=\"" + globex.workspace() + "\"").doesNotContain(initech.workspace());

    HttpResponse<String> switched = browser.post("/session/workspace",
        Map.of("csrf", browser.csrf(page), "workspace", globex.workspace()));
    assertThat(switched.statusCode()).isEqualTo(303);
    assertThat(browser.get("/accounts").body()).contains("<span id=\"workspace\">Globex</span>")
        .contains("(viewer)");
    assertThat(browser.get("/settings/account").body()).as("another workspace's settings now").contains("Globex");

    HttpResponse<String> refused = browser.post("/session/workspace",
        Map.of("csrf", browser.csrf(browser.get("/accounts").body()), "workspace", initech.workspace()));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(browser.get("/accounts").body()).as("still in Globex").contains("<span id=\"workspace\">Globex</span>");
    assertThat(browser.post("/session/workspace", Map.of("workspace", keys.workspace())).statusCode())
        .as("without the form's token").isEqualTo(403);
  }

  @Test
  void signedOutVisitorsAreSentToTheSignInPage() {
    HttpResponse<String> home = new WebClient(server).get("/");
    assertThat(home.statusCode()).isEqualTo(303);
    assertThat(home.headers().firstValue("Location")).hasValue("/login");
  }
}
