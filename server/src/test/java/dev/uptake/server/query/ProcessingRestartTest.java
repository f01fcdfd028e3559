package dev.uptake.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor resumes from its durable cursor: nothing is processed twice or skipped; and what it
 * derived can be thrown away and rebuilt from the log.
 */
class ProcessingRestartTest {

  @TempDir Path dir;

  @Test
  void restartedServerResumesProcessingWhereItStopped() {
    TestServer.Keys keys;
    try (TestServer server = TestServer.start(dir)) {
      keys = server.createWorkspace("Acme");
      server.post("/v1/track", Events.track("A").account("acme").at("2024-05-01T10:00:00Z").json(), "Authorization", keys.basicWriteKey());
      server.awaitProcessed(keys);
    }
    try (TestServer server = TestServer.start(dir)) {
      server.post("/v1/identify", Events.identify().set("traits.title", "CTO").at("2024-05-02T10:00:00Z").json(), "Authorization", keys.basicWriteKey());
      server.awaitProcessed(keys);
      assertThat(server.stats(keys).get("processed").asInt()).isEqualTo(2);
      var user = TestServer.json(server.get("/api/v1/users/u1", "Authorization", keys.bearer()));
      assertThat(user.get("title").asText()).isEqualTo("CTO");
      assertThat(user.get("accountId").asText()).isEqualTo("acme");
      assertThat(user.get("firstSeenAt").asText()).isEqualTo("2024-05-01T10:00:00Z");
    }
  }

  @Test
  void deletedStateIsRebuiltFromTheEventLog() throws Exception {
    TestServer.Keys keys;
    String usageBefore;
    String userBefore;
    try (TestServer server = TestServer.start(dir)) {
      keys = server.createWorkspace("Acme");
      server.post("/v1/batch", "{\"batch\":[" + Events.track("A").account("acme").module("Reports").at("2024-05-01T10:00:00Z").json()
          + "," + Events.track("B").account("acme").module("Reports").at("2024-05-01T10:04:00Z").json()
          + "," + Events.identify().set("traits.title", "CTO").at("2024-05-01T10:05:00Z").json()
          + "]}", "Authorization", keys.basicWriteKey());
      server.awaitProcessed(keys);
      usageBefore = server.get("/api/v1/accounts/acme/usage?from=2024-05-01&to=2024-05-01", "Authorization", keys.bearer()).body();
      userBefore = server.get("/api/v1/users/u1", "Authorization", keys.bearer()).body();
    }
    for (String file : new String[] {"state.db", "state.db-wal", "state.db-shm"}) {
      Files.deleteIfExists(dir.resolve(file));
    }
    try (TestServer server = TestServer.start(dir)) {
      server.awaitProcessed(keys);
      assertThat(server.stats(keys).get("processed").asInt()).isEqualTo(3);
      assertThat(server.get("/api/v1/accounts/acme/usage?from=2024-05-01&to=2024-05-01", "Authorization", keys.bearer()).body())
          .isEqualTo(usageBefore)
          .contains("Reports");
      assertThat(server.get("/api/v1/users/u1", "Authorization", keys.bearer()).body()).isEqualTo(userBefore).contains("CTO");
    }
  }
}
