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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** In a real browser: the accounts table, a search, a sort by a figure, and the CSV download of the list. */
class AccountsBrowserTest {

  @TempDir Path dir;
  @TempDir Path profile;

  @Test
  void aMemberSearchesSortsAndDownloadsTheAccounts() throws IOException {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme Analytics");
      String yesterday = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(1, ChronoUnit.DAYS).plusSeconds(9 * 3600).toString();
      server.sendProcessed(keys,
          Events.group("globex").user("g1").set("traits.name", "Globex").set("traits.createdAt", "2020-01-01"),
          Events.group("initech").user("i1").set("traits.name", "Initech").set("traits.createdAt", "2020-01-01"),
          Events.group("hooli").user("h1").set("traits.name", "Hooli"),
          Events.track("Open").user("i1").account("initech").at(yesterday).module("Reports"));
      ChromeDriver browser = Chromium.start(profile);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        Chromium.signIn(browser, server, keys.adminEmail(), keys.adminPassword());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("total"), "3 accounts"));
        assertThat(browser.findElement(By.cssSelector("tr[data-account-id='hooli']")).getText()).contains("pending");

        browser.findElement(By.linkText("Active users")).click();
        wait.until(ExpectedConditions.urlContains("sort=activeUsers30d"));
        assertThat(browser.findElement(By.cssSelector("#accounts tbody tr")).getAttribute("data-account-id"))
            .as("the active account first").isEqualTo("initech");
        Path shots = Files.createDirectories(Path.of("target", "screenshots"));
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("accounts.png"),
            StandardCopyOption.REPLACE_EXISTING);

        browser.findElement(By.id("q")).sendKeys("glob");
        browser.findElement(By.cssSelector("#filters button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("total"), "1 accounts"));

        String csv = (String) browser.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch(document.getElementById('csv').href).then(r => r.text()).then(done);");
        assertThat(csv.lines().toList()).hasSize(2);
        assertThat(csv).startsWith("id,name,").contains("globex,Globex");
      } finally {
        browser.quit();
      }
    }
  }
}
