package dev.uptake.server.web;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by its own chromedriver: explicit paths, so nothing is
 * looked up or downloaded. Missing, it skips a developer's test run and fails CI ({@code CI=true},
 * where {@code .ci/run} installs it).
 */
final class Chromium {

  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private Chromium() {}

  static ChromeDriver start(Path profile) {
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
}
