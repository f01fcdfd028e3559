package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * In a real browser: the Alerts page creates a rule (refusing a wrong URL next to its input), the
 * rule fires and shows in the log, and is edited, paused and deleted; a viewer sees but changes
 * nothing.
 */
class AlertsBrowserTest {

  @TempDir Path dir;
  @TempDir Path profile;

  @Test
  void rulesAreCreatedFiredEditedPausedAndDeletedFromTheAlertsPage() throws IOException {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme Analytics");
      ok(server.put("/api/v1/settings", "{\"dimensions\":[{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\","
          + "\"trait\":\"seats\"}]}", "Authorization", keys.bearer()));
      Instant yesterday = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(1, ChronoUnit.DAYS).plusSeconds(9 * 3600);
      server.sendProcessed(keys,
          Events.group("initech").user("admin-initech").set("traits.name", "Initech").set("traits.seats", 40)
              .at(Instant.now().minus(40, ChronoUnit.DAYS).toString()),
          Events.track("Open").user("i1").account("initech").session("i1").at(yesterday.toString()));

      ChromeDriver browser = Chromium.start(profile);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        Chromium.signIn(browser, server, keys.adminEmail(), keys.adminPassword());
        browser.findElement(By.cssSelector("nav a[href='/alerts']")).click();
        new Select(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("kind")))).selectByValue("seatUtilization");
        assertThat(browser.findElement(By.id("days")).isDisplayed()).as("quiet's field hidden").isFalse();
        browser.findElement(By.id("name")).sendKeys("Seats unused");
        browser.findElement(By.id("seatPercent")).sendKeys("10");
        browser.findElement(By.id("seatsDimension")).sendKeys("seats");
        browser.findElement(By.id("webhookUrl")).sendKeys("ftp://nowhere");
        browser.findElement(By.id("save-rule")).click();
        WebElement error = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("webhookUrl-error")));
        assertThat(error.getText()).contains("http or https URL");
        assertThat(browser.findElement(By.id("name")).getAttribute("value")).as("the form comes back as typed")
            .isEqualTo("Seats unused");

        browser.findElement(By.id("webhookUrl")).clear();
        browser.findElement(By.id("save-rule")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("notice"))).getText()).startsWith("Saved.");
        WebElement rule = browser.findElement(By.cssSelector("#rules tr[data-rule-id]"));
        assertThat(rule.getText()).contains("Seats unused").contains("seat utilization below 10%").contains("log only");

        // 1 of 40 seats in use: the rule fires within a minute and the log says so.
        WebDriverWait minute = new WebDriverWait(browser, Duration.ofSeconds(60));
        minute.until(driver -> {
          driver.navigate().refresh();
          return driver.findElement(By.id("alert-log")).getText().contains("Initech");
        });
        assertThat(browser.findElement(By.id("alert-log")).getText()).contains("Seats unused").contains("fired");
        browser.executeScript("document.getElementById('alert-log').scrollIntoView({block: 'center'})");
        Path shots = Files.createDirectories(Path.of("target", "screenshots"));
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("alerts.png"),
            StandardCopyOption.REPLACE_EXISTING);

        browser.findElement(By.cssSelector("#rules a.edit")).click();
        WebElement name = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("name")));
        assertThat(browser.findElement(By.id("seatPercent")).getAttribute("value")).isEqualTo("10");
        name.clear();
        name.sendKeys("Seats mostly unused");
        browser.findElement(By.id("save-rule")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("notice")));
        assertThat(browser.findElements(By.cssSelector("#rules tr[data-rule-id]"))).hasSize(1);
        assertThat(browser.findElement(By.id("rules")).getText()).contains("Seats mostly unused");

        browser.findElement(By.cssSelector("#rules button.pause")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rules"), "paused"));
        assertThat(TestServer.json(server.get("/api/v1/alerts/rules", "Authorization", keys.bearer())).at("/rules/0/paused")
            .asBoolean()).isTrue();
        browser.findElement(By.cssSelector("#rules button.delete")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rules"), "No rules yet."));
        assertThat(browser.findElement(By.id("alert-log")).getText()).as("its alerts stay").contains("Initech");
      } finally {
        browser.quit();
      }
    }
  }

  private static void ok(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
