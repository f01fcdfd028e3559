package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;
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
 * In a real browser, as a customer-success manager: the accounts table shows each account's health
 * band and score, sorts by it and filters by band; a saved view opens again from the menu; an
 * account's page explains its score; the Health settings page refuses a wrong metric next to its
 * input, previews the bands of the last 30 days, and saves a new version.
 */
class HealthBrowserTest {

  static final String MODEL = "{\"profiles\":[{\"name\":\"Everyone\",\"seatsDimension\":\"seats\",\"groups\":[{\"name\":"
      + "\"Adoption\",\"measures\":[{\"metric\":\"seatUtilization\",\"zeroAt\":0,\"fullAt\":100}]},{\"name\":\"Recency\","
      + "\"measures\":[{\"metric\":\"daysSinceLastSeen\",\"zeroAt\":14,\"fullAt\":1}]}]}]}";

  @TempDir Path dir;
  @TempDir Path profile;

  @Test
  void healthIsShownSortedFilteredExplainedAndEditedInTheBrowser() throws IOException {
    try (TestServer server = TestServer.start(dir)) {
      Keys keys = server.createWorkspace("Acme Analytics");
      ok(server.put("/api/v1/settings", "{\"dimensions\":[{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\","
          + "\"trait\":\"seats\"}]}", "Authorization", keys.bearer()));
      Instant yesterday = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(1, ChronoUnit.DAYS).plusSeconds(9 * 3600);
      List<Events> traffic = new ArrayList<>(List.of(group("acme", "Acme", 4), group("initech", "Initech", 40),
          group("globex", "Globex", 10)));
      for (String user : List.of("a1", "a2", "a3")) {
        traffic.add(Events.track("Open").user(user).account("acme").session(user).at(yesterday.toString()));
      }
      traffic.add(Events.track("Open").user("i1").account("initech").session("i1").at(yesterday.toString()));
      server.sendProcessed(keys, traffic.toArray(Events[]::new));
      ok(server.put("/api/v1/health", MODEL, "Authorization", keys.bearer()));
      JsonNode api = TestServer.json(server.get("/api/v1/accounts?sort=health&order=desc", "Authorization", keys.bearer()));

      ChromeDriver browser = Chromium.start(profile);
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        Chromium.signIn(browser, server, keys.adminEmail(), keys.adminPassword());

        browser.findElement(By.xpath("//table[@id='accounts']//th/a[starts-with(normalize-space(.), 'Health')]")).click();
        wait.until(ExpectedConditions.urlContains("sort=health"));
        if (!browser.getCurrentUrl().contains("order=desc")) {
          browser.findElement(By.cssSelector("#accounts th.sorted a")).click();
          wait.until(ExpectedConditions.urlContains("order=desc"));
        }
        List<String> shown = new ArrayList<>();
        browser.findElements(By.cssSelector("#accounts tbody tr")).forEach(row -> shown.add(row.getAttribute("data-account-id")));
        List<String> expected = new ArrayList<>();
        api.get("accounts").forEach(account -> expected.add(account.get("id").asText()));
        assertThat(shown).isEqualTo(expected);
        WebElement acme = browser.findElement(By.cssSelector("#accounts tr[data-account-id='acme'] td.health"));
        assertThat(acme.getAttribute("data-band")).isEqualTo(api.at("/accounts/0/health/band").asText());
        assertThat(acme.getText()).contains(String.valueOf(Math.round(api.at("/accounts/0/health/score").asDouble())));
        Path shots = Files.createDirectories(Path.of("target", "screenshots"));
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("accounts-health.png"),
            StandardCopyOption.REPLACE_EXISTING);

        new Select(browser.findElement(By.id("healthBand"))).selectByValue("red");
        browser.findElement(By.cssSelector("#filters button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("healthBand=red"));
        List<WebElement> red = browser.findElements(By.cssSelector("#accounts tbody tr"));
        long redInApi = 0;
        for (JsonNode account : api.get("accounts")) {
          redInApi += account.at("/health/band").asText().equals("red") ? 1 : 0;
        }
        assertThat(red).hasSize((int) redInApi).isNotEmpty();
        red.forEach(row -> assertThat(row.findElement(By.cssSelector("td.health")).getAttribute("data-band")).isEqualTo("red"));

        // Saved as a view, and opened again from the menu later.
        browser.findElement(By.cssSelector("#views-menu summary")).click();
        browser.findElement(By.id("view-name")).sendKeys("At risk");
        browser.findElement(By.id("save-view-button")).click();
        wait.until(ExpectedConditions.urlContains("view="));
        browser.get(server.url("/accounts"));
        browser.findElement(By.cssSelector("#views-menu summary")).click();
        browser.findElement(By.linkText("At risk")).click();
        wait.until(ExpectedConditions.urlContains("healthBand=red"));
        assertThat(browser.findElements(By.cssSelector("#accounts tbody tr"))).hasSize(red.size());
        JsonNode views = TestServer.json(server.get("/api/v1/views", "Authorization", keys.bearer())).get("views");
        assertThat(views.at("/0/name").asText()).isEqualTo("At risk");
        assertThat(views.at("/0/query").asText()).contains("healthBand=red");

        // The account's page explains its score.
        browser.get(server.url("/accounts/initech"));
        assertThat(browser.findElement(By.id("health-score")).getText())
            .isEqualTo(String.valueOf(Math.round(score(api, "initech"))));
        assertThat(browser.findElement(By.id("health-detractor")).getText()).startsWith("Seat utilization costs the most");
        List<?> history = (List<?>) browser.executeScript(
            "return echarts.getInstanceByDom(document.getElementById('chart-health')).getOption().series[0].data;");
        assertThat(((Number) history.get(history.size() - 1)).doubleValue()).isEqualTo(score(api, "initech"));
        assertThat(browser.findElement(By.id("fields")).getText()).contains("Seats").doesNotContain("(dimension)");

        // Health settings: a wrong metric is refused next to its input; the preview shows the bands; then saved.
        browser.findElement(By.cssSelector("nav a[href='/settings/health']")).click();
        WebElement metric = wait.until(ExpectedConditions.presenceOfElementLocated(
            By.id("profiles[0].groups[0].measures[0].metric")));
        metric.clear();
        metric.sendKeys("seatsUsed");
        browser.findElement(By.id("preview-button")).click();
        WebElement error = wait.until(ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("[data-error-for='profiles[0].groups[0].measures[0].metric']")));
        assertThat(error.getText()).contains("seatsUsed");
        assertThat(browser.findElement(By.id("profiles[0].groups[0].measures[0].metric")).getAttribute("class"))
            .contains("invalid");
        metric = browser.findElement(By.id("profiles[0].groups[0].measures[0].metric"));
        metric.clear();
        metric.sendKeys("seatUtilization");
        WebElement weight = browser.findElement(By.id("profiles[0].groups[0].weight"));
        weight.clear();
        weight.sendKeys("3");
        browser.findElement(By.id("preview-button")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("preview")));
        int accounts = Integer.parseInt(browser.findElement(By.id("preview-red")).getText())
            + Integer.parseInt(browser.findElement(By.id("preview-yellow")).getText())
            + Integer.parseInt(browser.findElement(By.id("preview-green")).getText())
            + Integer.parseInt(browser.findElement(By.id("preview-none")).getText());
        assertThat(accounts).isEqualTo(3);
        List<?> days = (List<?>) browser.executeScript(
            "return echarts.getInstanceByDom(document.getElementById('chart-preview')).getOption().xAxis[0].data;");
        assertThat(days).hasSize(30);
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("health-settings.png"),
            StandardCopyOption.REPLACE_EXISTING);
        assertThat(TestServer.json(server.get("/api/v1/health", "Authorization", keys.bearer())).at("/profiles/0/groups/0/weight")
            .asDouble()).as("a preview saves nothing").isEqualTo(1);
        browser.findElement(By.id("save-button")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("notice"))).getText())
            .startsWith("Saved as version 2");
        assertThat(TestServer.json(server.get("/api/v1/health", "Authorization", keys.bearer())).at("/profiles/0/groups/0/weight")
            .asDouble()).isEqualTo(3);
      } finally {
        browser.quit();
      }
    }
  }

  private static double score(JsonNode api, String id) {
    for (JsonNode account : api.get("accounts")) {
      if (account.get("id").asText().equals(id)) {
        return account.at("/health/score").asDouble();
      }
    }
    throw new AssertionError("no account " + id);
  }

  private static Events group(String id, String name, int seats) {
    return Events.group(id).user("admin-" + id).set("traits.name", name).set("traits.seats", seats)
        .at(Instant.now().minus(40, ChronoUnit.DAYS).toString());
  }

  private static void ok(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
