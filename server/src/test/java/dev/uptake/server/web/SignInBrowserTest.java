package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A real browser signs in with the printed one-time password, sees its workspace, and signs out. */
class SignInBrowserTest {

  @TempDir Path dir;
  @TempDir Path profile;

  @Test
  void anAdminSignsInAndOutInARealBrowser() {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme Analytics");
      ChromeDriver browser = Chromium.start(profile);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(server.url("/"));
        wait.until(ExpectedConditions.urlContains("/login"));

        browser.findElement(By.id("email")).sendKeys(keys.adminEmail());
        browser.findElement(By.id("password")).sendKeys("wrong password");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error"))).getText())
            .isEqualTo("Wrong e-mail address or password.");

        browser.findElement(By.id("password")).sendKeys(keys.adminPassword());
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("workspace"))).getText())
            .isEqualTo("Acme Analytics");
        assertThat(browser.findElement(By.id("member")).getText()).isEqualTo(keys.adminEmail() + " (admin)");
        assertThat(browser.manage().getCookieNamed(WebRoutes.SESSION_COOKIE).isHttpOnly()).isTrue();

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.urlContains("/login"));
        browser.get(server.url("/"));
        wait.until(ExpectedConditions.urlContains("/login"));
      } finally {
        browser.quit();
      }
    }
  }
}
