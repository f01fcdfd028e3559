package dev.uptake.server.web;

import static org.assertj.core.api.Assumptions.assumeThat;

import dev.uptake.server.TestServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven by its own chromedriver: explicit paths, so nothing is
 * looked up or downloaded. Missing, it skips a developer's test run and fails CI ({@code CI=true},
 * where {@code .ci/run} installs it).
 */
public final class Chromium {

  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private Chromium() {}

  public static ChromeDriver start(Path profile) {
    boolean present = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    if (!present && !"true".equals(System.getenv("CI"))) {
      assumeThat(present).as("Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)").isTrue();
    }
    if (!present) {
      throw new IllegalStateException(BROWSER + " or " + DRIVER + " is missing: .ci/run installs chromium and chromium-driver");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString())).build();
    return new ChromeDriver(service, options);
  }

  /** Signs in through the sign-in form as a person would, and waits for the first page. */
  static void signIn(ChromeDriver browser, TestServer server, String email, String password) {
    browser.get(server.url("/login"));
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("/accounts"));
  }
}
