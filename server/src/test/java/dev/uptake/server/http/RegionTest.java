package dev.uptake.server.http;

import static dev.uptake.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.core.keys.Region;
import dev.uptake.server.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A deployment serves one region; keys carry theirs, and a key of the other is told where to go. */
class RegionTest {

  @TempDir Path dir;

  @Test
  void keyOfTheOtherRegionIs421NamingThatRegionsEndpoint() {
    Map<Region, URI> endpoints = Map.of(Region.US, URI.create("https://us.uptake.example.com"));
    try (TestServer eu = TestServer.start(dir, Region.EU, endpoints)) {
      TestServer.Keys usKeys = eu.createWorkspace("Acme US", "us");
      String event = Events.track("A").at(Instant.now().toString()).json();

      HttpResponse<String> native421 = eu.post("/v1/" + usKeys.authKey() + "/" + usKeys.apiKey(), event);
      HttpResponse<String> sdk421 = eu.post("/v1/track", event, "Authorization", usKeys.basicWriteKey());
      for (HttpResponse<String> response : java.util.List.of(native421, sdk421)) {
        assertThat(response.statusCode()).isEqualTo(421);
        assertThat(json(response).get("reason").asText())
            .contains("us region")
            .contains("https://us.uptake.example.com");
      }
    }
  }

  @Test
  void keysOfTheServersOwnRegionAreAccepted() {
    try (TestServer eu = TestServer.start(dir, Region.EU, Map.of())) {
      TestServer.Keys euKeys = eu.createWorkspace("Acme EU", "eu");
      assertThat(euKeys.writeKey()).startsWith("eu_");
      String event = Events.track("A").at(Instant.now().toString()).json();
      assertThat(eu.post("/v1/track", event, "Authorization", euKeys.basicWriteKey()).statusCode()).isEqualTo(200);
    }
  }
}
