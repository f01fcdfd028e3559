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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * In a real browser, an admin types a bad setting, reads why next to it, fixes it and saves; and
 * edits the mapping while the preview of the latest events follows what is typed.
 */
class AccountSettingsBrowserTest {

  @TempDir Path dir;
  @TempDir Path profile;

  @Test
  void aSettingIsValidatedNextToItsFieldThenSaved() throws IOException {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme Analytics");
      ChromeDriver browser = Chromium.start(profile);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        Chromium.signIn(browser, server, keys.adminEmail(), keys.adminPassword());
        browser.findElement(By.linkText("Account settings")).click();

        WebElement zone = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("timeZone")));
        zone.clear();
        zone.sendKeys("Mars/Olympus");
        browser.findElement(By.id("save")).click();
        WebElement error = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("timeZone-error")));
        browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", error);
        assertThat(error.getText()).contains("IANA time zone");
        assertThat(browser.findElement(By.id("refused")).getText()).startsWith("Not saved:");
        Path shots = Files.createDirectories(Path.of("target", "screenshots"));
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("account-settings.png"),
            StandardCopyOption.REPLACE_EXISTING);

        zone = browser.findElement(By.id("timeZone"));
        zone.clear();
        zone.sendKeys("Europe/Berlin");
        browser.findElement(By.id("save")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("notice"))).getText()).startsWith("Saved.");
        assertThat(browser.findElement(By.id("timeZone")).getAttribute("value")).isEqualTo("Europe/Berlin");
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void thePreviewFollowsTheMappingAsItIsTyped() throws IOException {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme Analytics");
      server.sendProcessed(keys, Events.track("Dash Viewed").user("ana").set("properties.section", "Billing"));
      ChromeDriver browser = Chromium.start(profile);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        Chromium.signIn(browser, server, keys.adminEmail(), keys.adminPassword());
        browser.get(server.url("/settings/account"));
        WebElement preview = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("mapping-preview-table")));
        assertThat(preview.getText()).contains("(none)").doesNotContain("Billing");

        WebElement module = browser.findElement(By.id("mapping-module"));
        browser.executeScript("arguments[0].scrollIntoView({block: 'start'})", module);
        module.clear();
        module.sendKeys("properties.section\nproperties.module");
        browser.findElement(By.id("mapping-rename")).sendKeys("Dash Viewed => Viewed Dashboard");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mapping-preview"), "Viewed Dashboard"));
        assertThat(browser.findElement(By.id("mapping-preview")).getText()).contains("Billing");
        Path shots = Files.createDirectories(Path.of("target", "screenshots"));
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("mappings.png"),
            StandardCopyOption.REPLACE_EXISTING);

        browser.findElement(By.id("save-mapping")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("notice"))).getText())
            .startsWith("Mapping saved.");
        assertThat(browser.findElement(By.id("mapping-module")).getAttribute("value"))
            .isEqualTo("properties.section\nproperties.module");
      } finally {
        browser.quit();
      }
    }
  }
}
