package dev.uptake.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.store.fixtures.Backend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uptake backup} while a server takes traffic, and {@code uptake restore} into a new data
 * directory: the restored store has every event the backup counted, and a server on it processes
 * them all and goes on taking traffic.
 */
class BackupCommandsTest {

  @TempDir Path dir;

  @Test
  void backupTakenUnderTrafficRestoresToAWorkingStore() throws Exception {
    Path live = dir.resolve("live");
    Path file = dir.resolve("uptake-backup.zip");
    Keys keys;
    JsonNode backup;
    try (TestServer server = TestServer.start(Backend.SQLITE, live, Clock.systemUTC())) {
      keys = server.createWorkspace("Acme");
      server.sendProcessed(keys, Events.track("Open").user("u1"));
      AtomicBoolean sending = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger(1);
      CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
        while (sending.get()) {
          HttpResponse<String> response = server.post("/v1/track", Events.track("Open").user("u" + sent.get()).json(),
              "Authorization", keys.basicWriteKey());
          assertThat(response.statusCode()).isEqualTo(200);
          sent.incrementAndGet();
        }
      });
      Thread.sleep(300);
      backup = run("backup", "--data", live.toString(), "--to", file.toString());
      sending.set(false);
      traffic.join();
      assertThat(backup.get("events").asInt()).isBetween(2, sent.get());
    }

    Path restored = dir.resolve("restored");
    JsonNode restore = run("restore", "--from", file.toString(), "--data", restored.toString());
    assertThat(restore.get("events").asInt()).isEqualTo(backup.get("events").asInt());
    try (TestServer server = TestServer.start(Backend.SQLITE, restored, Clock.systemUTC())) {
      server.awaitProcessed(keys);
      JsonNode stats = server.stats(keys);
      assertThat(stats.get("accepted").asInt()).isEqualTo(backup.get("events").asInt());
      assertThat(stats.get("processed").asInt()).isEqualTo(stats.get("accepted").asInt());
      server.sendProcessed(keys, Events.track("After").user("u1"));
      assertThat(server.get("/api/v1/users/u1", "Authorization", keys.bearer()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void restoreRefusesADirectoryWithAStoreAndAFileThatIsNoBackup() throws Exception {
    Path live = dir.resolve("live");
    Path file = dir.resolve("backup.zip");
    try (TestServer server = TestServer.start(Backend.SQLITE, live, Clock.systemUTC())) {
      server.createWorkspace("Acme");
      run("backup", "--data", live.toString(), "--to", file.toString());
    }
    StringWriter err = new StringWriter();
    assertThat(execute(err, "restore", "--from", file.toString(), "--data", live.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("already holds a store", "--replace");
    assertThat(execute(new StringWriter(), "restore", "--from", file.toString(), "--data", live.toString(), "--replace"))
        .isZero();

    Path notABackup = Files.writeString(dir.resolve("notes.zip"), "not a zip at all");
    err = new StringWriter();
    assertThat(execute(err, "restore", "--from", notABackup.toString(), "--data", dir.resolve("new").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("is not an Uptake backup");
  }

  private static JsonNode run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    assertThat(code).as(err.toString()).isZero();
    try {
      return TestServer.JSON.readTree(out.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(out.toString(), e);
    }
  }

  private static int execute(StringWriter err, String... args) {
    return Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err)).execute(args);
  }
}
