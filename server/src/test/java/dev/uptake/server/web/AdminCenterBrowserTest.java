package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An admin, in a real browser, reads the keys off the IT Administration Center, reveals the auth
 * key, sends an event with exactly those keys, watches the page say it arrived, then finds it in
 * the event debugger and opens it. Screenshots go to {@code target/screenshots} (docs/screenshots
 * holds copies).
 */
class AdminCenterBrowserTest {

  @TempDir Path dir;
  @TempDir Path profile;

  @Test
  void theKeysOnThePageWorkAndThePageSeesTheEventArrive() throws IOException {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme Analytics");
      ChromeDriver browser = Chromium.start(profile);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        Chromium.signIn(browser, server, keys.adminEmail(), keys.adminPassword());
        browser.findElement(By.linkText("IT Administration Center")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live"), "No events yet"));

        String apiKey = browser.findElement(By.id("api-key")).getText();
        browser.findElement(By.id("reveal-auth-key")).click();
        String authKey = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-key"))).getText();
        assertThat(browser.findElement(By.cssSelector("#webhook-url #webhook")).getText()).as("in the Endpoints table")
            .endsWith("/v1/" + authKey + "/" + apiKey);
        assertThat(browser.findElement(By.id("auth-key-cell")).getText()).doesNotContain("/v1/");

        HttpResponse<String> sent = server.post("/v1/" + authKey + "/" + apiKey,
            "{\"type\":\"track\",\"event\":\"Opened Report\",\"userId\":\"u1\",\"anonymousId\":\"s1\","
                + "\"messageId\":\"from-the-page\",\"originalTimestamp\":\"2024-05-01T10:00:00Z\"}");
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live"), "1 event received in the last minute"));

        screenshot(browser, "admin-center.png");

        browser.findElement(By.linkText("Event debugger")).click();
        By row = By.cssSelector("details.event[data-message-id='from-the-page']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row)).findElement(By.tagName("summary")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("details.event[data-message-id='from-the-page'] pre.payload"))).getText()).contains("Opened Report");
        HttpResponse<String> next = server.post("/v1/" + authKey + "/" + apiKey,
            "{\"type\":\"track\",\"event\":\"Shared Report\",\"userId\":\"u1\",\"anonymousId\":\"s1\","
                + "\"messageId\":\"after-opening\",\"originalTimestamp\":\"2024-05-01T10:01:00Z\"}");
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("details.event[data-message-id='after-opening']")));
        assertThat(browser.findElement(row).getAttribute("open")).as("an opened row stays open through a refresh").isNotNull();
        screenshot(browser, "debugger.png");

        new Select(browser.findElement(By.id("status"))).selectByValue("rejected");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-events")));
      } finally {
        browser.quit();
      }
    }
  }

  private static void screenshot(ChromeDriver browser, String name) throws IOException {
    Path shots = Files.createDirectories(Path.of("target", "screenshots"));
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
