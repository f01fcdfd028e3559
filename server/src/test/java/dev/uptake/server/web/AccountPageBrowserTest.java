package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * In a real browser: open an account from the table and see its header, its two charts drawn with
 * the account's own data, feature adoption, users by activity and recent sessions; then open one of
 * its users and see the modules, features and sessions they used.
 */
class AccountPageBrowserTest {

  @TempDir Path dir;
  @TempDir Path profile;

  @Test
  @SuppressWarnings("unchecked") // what the browser's script returns
  void anAccountsPageShowsItsChartsWithData() throws IOException {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme Analytics");
      Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
      String twoDaysAgo = today.minus(2, ChronoUnit.DAYS).plusSeconds(9 * 3600).toString();
      String twoDaysAgoLater = today.minus(2, ChronoUnit.DAYS).plusSeconds(9 * 3600 + 240).toString();
      String yesterday = today.minus(1, ChronoUnit.DAYS).plusSeconds(10 * 3600).toString();
      server.sendProcessed(keys,
          Events.group("initech").user("ana").set("traits.name", "Initech").set("traits.createdAt", "2020-01-01")
              .at(today.minus(40, ChronoUnit.DAYS).toString()),
          Events.group("initech").user("bo").at(today.minus(40, ChronoUnit.DAYS).toString()),
          Events.track("Open").user("ana").session("ana").account("initech").module("Reports").at(twoDaysAgo),
          Events.track("Export").user("ana").session("ana").account("initech").module("Reports").at(twoDaysAgoLater),
          Events.track("Open").user("bo").session("bo").account("initech").module("Dashboard").at(yesterday));
      ChromeDriver browser = Chromium.start(profile);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        Chromium.signIn(browser, server, keys.adminEmail(), keys.adminPassword());
        browser.findElement(By.linkText("Initech")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("account-name"), "Initech"));

        List<?> activeUsers = (List<?>) browser.executeScript(
            "return echarts.getInstanceByDom(document.getElementById('chart-active-users')).getOption().series[0].data;");
        assertThat(activeUsers).hasSize(30);
        assertThat(activeUsers.subList(27, 30)).extracting(value -> ((Number) value).intValue()).containsExactly(1, 1, 0);
        List<Object> modules = (List<Object>) browser.executeScript(
            "return echarts.getInstanceByDom(document.getElementById('chart-module-time')).getOption().series.map(s => s.name);");
        assertThat(modules).contains("Reports", "Dashboard");
        assertThat(browser.findElement(By.cssSelector("#chart-active-users canvas")).isDisplayed()).isTrue();

        assertThat(browser.findElement(By.id("features")).getText()).contains("Reports Export 1 1 1 50%");
        assertThat(browser.findElement(By.cssSelector("#users tr[data-user-id='ana']")).getText()).startsWith("1 ana");
        assertThat(browser.findElements(By.cssSelector("#sessions tr"))).hasSize(3); // a header and two sessions
        assertThat(browser.findElement(By.id("sessions")).getText()).contains("Reports 4 min");

        Path shots = Files.createDirectories(Path.of("target", "screenshots"));
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("account.png"),
            StandardCopyOption.REPLACE_EXISTING);

        browser.findElement(By.linkText("ana")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-id"), "ana"));
        assertThat(browser.findElement(By.id("account")).getText()).isEqualTo("initech");
        assertThat(browser.findElement(By.id("modules")).getText()).contains("Reports 4 min estimated 2");
        assertThat(browser.findElement(By.id("features")).getText()).contains("Reports Export 1").contains("Reports Open 1");
        assertThat(browser.findElements(By.cssSelector("#sessions tr"))).hasSize(2); // a header and one session
      } finally {
        browser.quit();
      }
    }
  }
}
