package dev.uptake.server.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.server.cli.Main;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code uptake import} as a team moving to Uptake runs it: a realistic Segment archive from 2024
 * (gzip and plain files in nested folders, NDJSON, a JSON array, a pretty-printed batch object, a
 * bad line) imported while live traffic arrives, the import killed (SIGKILL) half-way and run
 * again; every event is stored once, the bad line reported by file and line, and every account's
 * usage is what sending the same events live gives.
 */
class ArchiveImportTest {

  static final int ACCOUNTS = 40;
  static final int DAYS = 30;

  @TempDir Path dir;
  @TempDir Path archive;
  @TempDir Path liveDir;

  @Test
  void anInterruptedImportRunAgainStoresEveryEventOnceWithTheFiguresOfLiveTraffic() throws Exception {
    List<ObjectNode> archived = new ArrayList<>();
    String badFile = writeArchive(archived);
    List<ObjectNode> live = liveTraffic();
    try (TestServer imported = TestServer.start(dir); TestServer sentLive = TestServer.start(liveDir)) {
      Keys keys = imported.createWorkspace("Acme");
      Keys liveKeys = sentLive.createWorkspace("Acme");
      configure(imported, keys);
      configure(sentLive, liveKeys);

      // The first run, killed once about a third of the archive is in; live traffic arrives meanwhile.
      Process first = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
          "import", "--url", imported.url(""), "--write-key", keys.writeKey(), "--batch-size", "20", "--concurrency", "2",
          archive.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
      Thread liveSender = new Thread(() -> send(imported, keys, live));
      liveSender.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (imported.stats(keys).get("accepted").asLong() < archived.size() / 3 && first.isAlive()) {
        assertThat(System.nanoTime()).as("a third imported within 60 s").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(first.isAlive()).as("still importing when killed: " + Files.readString(dir.resolve("first.log"))).isTrue();
      assertThat(new ProcessBuilder("kill", "-KILL", String.valueOf(first.pid())).start().waitFor()).isZero();
      first.waitFor();
      liveSender.join();

      // Run again to the end.
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine command = Main.commandLine();
      command.setOut(new PrintWriter(out));
      command.setErr(new PrintWriter(err));
      int exit = command.execute("import", "--url", imported.url(""), "--write-key", keys.writeKey(), "--batch-size", "50",
          archive.toString());
      assertThat(exit).as(err.toString()).isZero();
      JsonNode summary = TestServer.JSON.readTree(out.toString());
      assertThat(summary.get("skippedFiles").asInt()).as("files the first run finished").isPositive();
      assertThat(summary.get("duplicates").asLong()).as("the file it was in the middle of").isPositive();
      assertThat(summary.get("rejected").asLong()).isEqualTo(1);
      assertThat(summary.get("unreadable").asLong()).isEqualTo(1);
      assertThat(err.toString()).contains(badFile + ":3: not JSON");
      assertThat(summary.get("accepted").asLong() + summary.get("duplicates").asLong()).isEqualTo(summary.get("events").asLong());

      imported.awaitProcessed(keys);
      assertThat(imported.stats(keys).get("accepted").asLong()).as("every event once").isEqualTo(archived.size() + live.size());

      // The same events sent live, in one order: the same figures.
      send(sentLive, liveKeys, live);
      send(sentLive, liveKeys, archived);
      sentLive.awaitProcessed(liveKeys);
      assertThat(sentLive.stats(liveKeys).get("accepted").asLong()).isEqualTo(archived.size() + live.size());
      for (int account = 0; account < ACCOUNTS; account++) {
        String path = "/api/v1/accounts/acct-" + account + "/usage?from=2024-05-20&to=2024-07-10";
        JsonNode a = TestServer.json(imported.get(path, "Authorization", keys.bearer()));
        JsonNode b = TestServer.json(sentLive.get(path, "Authorization", liveKeys.bearer()));
        assertThat(difference(a, b, "")).as(path).isEmpty();
        assertThat(a.get("activeSeconds").asDouble()).as(path).isPositive();
      }
      JsonNode listA = TestServer.json(imported.get("/api/v1/accounts?sort=id&limit=1000", "Authorization", keys.bearer()));
      JsonNode listB = TestServer.json(sentLive.get("/api/v1/accounts?sort=id&limit=1000", "Authorization", liveKeys.bearer()));
      assertThat(difference(listA.get("accounts"), listB.get("accounts"), "accounts")).isEmpty();

      // A third run has nothing left to send.
      StringWriter again = new StringWriter();
      command.setOut(new PrintWriter(again));
      assertThat(command.execute("import", "--url", imported.url(""), "--write-key", keys.writeKey(), archive.toString()))
          .isZero();
      assertThat(TestServer.JSON.readTree(again.toString()).get("events").asLong()).isZero();
    }
  }

  @Test
  void aWrongWriteKeyStopsTheImportWithWhatToDo() throws Exception {
    Files.writeString(archive.resolve("one.json"), Events.track("Open").user("u").at("2024-06-01T10:00:00Z").json() + "\n");
    try (TestServer server = TestServer.start(dir)) {
      server.createWorkspace("Acme");
      StringWriter err = new StringWriter();
      CommandLine command = Main.commandLine();
      command.setErr(new PrintWriter(err));
      command.setOut(new PrintWriter(new StringWriter()));
      assertThat(command.execute("import", "--url", server.url(""), "--write-key", "wrong", archive.toString())).isEqualTo(1);
      assertThat(err.toString()).contains("refused the write key").contains("--write-key");
    }
  }

  private void configure(TestServer server, Keys keys) {
    HttpResponse<String> settings = server.put("/api/v1/settings", "{\"timeZone\":\"UTC\"}", "Authorization", keys.bearer());
    assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
  }

  /** June 2024: accounts with users who identify, join, browse pages and use features, in sessions. */
  private String writeArchive(List<ObjectNode> events) throws IOException {
    Random random = new Random(7);
    List<List<ObjectNode>> days = new ArrayList<>();
    for (int day = 0; day < DAYS; day++) {
      List<ObjectNode> today = new ArrayList<>();
      LocalDate date = LocalDate.of(2024, 6, 1).plusDays(day);
      for (int account = 0; account < ACCOUNTS; account++) {
        if (day == 0) {
          today.add(event(Events.group("acct-" + account).user("u" + account + "-0").session("admin-" + account)
              .set("traits.name", "Account " + account).at(date + "T00:00:00Z")));
        }
        for (int user = 0; user < 1 + account % 3; user++) {
          if (random.nextInt(4) == 0) {
            continue;
          }
          String userId = "u" + account + "-" + user;
          Instant at = Instant.parse(date + "T08:00:00Z").plusSeconds(random.nextInt(8 * 3600));
          for (int step = 0; step < 6; step++) {
            Events call = step == 0 ? Events.page("Home").user(userId)
                : Events.track(List.of("Open", "Save", "Export", "Share").get(random.nextInt(4))).user(userId);
            today.add(event(call.account("acct-" + account).session(userId + "-" + day)
                .module(List.of("Reports", "Admin", "Dashboard").get(random.nextInt(3))).at(at.toString())));
            at = at.plusSeconds(30 + random.nextInt(300));
          }
        }
      }
      days.add(today);
      events.addAll(today);
    }
    // Segment's archive layout: one folder per day, gzip NDJSON; a few other shapes besides.
    String bad = null;
    for (int day = 0; day < DAYS; day++) {
      Path folder = Files.createDirectories(archive.resolve("2024/06/" + String.format("%02d", day + 1)));
      List<ObjectNode> today = days.get(day);
      if (day == 10) {
        Path file = folder.resolve("events.json");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < today.size(); i++) {
          text.append(today.get(i)).append('\n');
          if (i == 1) {
            text.append("{\"type\":\"track\",\"event\":\"cut off\n"); // line 3: not JSON
          }
        }
        Files.writeString(file, text);
        bad = file.toString();
      } else if (day == 20) {
        Files.writeString(folder.resolve("events.json"), TestServer.JSON.writeValueAsString(today));
      } else if (day == 25) {
        ObjectNode batch = TestServer.JSON.createObjectNode();
        batch.putArray("batch").addAll(today);
        Files.writeString(folder.resolve("batch.json"), batch.toPrettyString());
      } else {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve("events.json.gz")))) {
          for (ObjectNode event : today) {
            out.write((event + "\n").getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    }
    return bad;
  }

  /** Events without a messageId half the time, as some senders' archives have them. */
  private static ObjectNode event(Events call) {
    ObjectNode event = call.node().deepCopy();
    if (event.path("anonymousId").asText().hashCode() % 2 == 0) {
      event.remove("messageId");
    }
    return event;
  }

  /** This week's traffic of two users, sent live while the import runs. */
  private static List<ObjectNode> liveTraffic() {
    List<ObjectNode> live = new ArrayList<>();
    Instant at = Instant.now().minus(Duration.ofHours(3));
    for (int i = 0; i < 300; i++) {
      String user = "u" + (i % 2) + "-0";
      live.add(Events.track("Open").user(user).account("acct-" + (i % 2)).session(user + "-live").module("Reports")
          .messageId("live-" + i).at(at.plusSeconds(i * 20L).toString()).node().deepCopy());
    }
    return live;
  }

  /** Sends the events 100 at a time to {@code /v1/batch}; messageId-less ones get the import's derived id, as the import gives them. */
  private static void send(TestServer server, Keys keys, List<ObjectNode> events) {
    for (int from = 0; from < events.size(); from += 100) {
      StringBuilder body = new StringBuilder("{\"batch\":[");
      List<ObjectNode> part = events.subList(from, Math.min(events.size(), from + 100));
      for (int i = 0; i < part.size(); i++) {
        body.append(i == 0 ? "" : ",").append(part.get(i));
      }
      HttpResponse<String> response = server.post("/v1/batch", body.append("]}").toString(), "Authorization",
          keys.basicWriteKey());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
  }

  /** The first place where two answers differ ("days/12/activeSeconds: 12.0 ≠ 13.0"), or "". */
  private static String difference(JsonNode a, JsonNode b, String at) {
    if (a.isContainerNode() && b.isContainerNode() && a.size() == b.size() && a.isArray() == b.isArray()) {
      if (a.isArray()) {
        for (int i = 0; i < a.size(); i++) {
          String inner = difference(a.get(i), b.get(i), at + "/" + i);
          if (!inner.isEmpty()) {
            return inner;
          }
        }
        return "";
      }
      for (var field : a.properties()) {
        String inner = b.has(field.getKey()) ? difference(field.getValue(), b.get(field.getKey()), at + "/" + field.getKey())
            : at + "/" + field.getKey() + " missing";
        if (!inner.isEmpty()) {
          return inner;
        }
      }
      return "";
    }
    return a.equals(b) ? "" : at + ": " + a + " ≠ " + b;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
