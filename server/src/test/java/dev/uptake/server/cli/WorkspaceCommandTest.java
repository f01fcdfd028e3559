package dev.uptake.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceCommandTest {

  @TempDir Path dir;

  @Test
  void createPrintsOneJsonObjectWithEveryKey() {
    JsonNode out = TestServer.cli("workspace", "create", "--name", "Acme", "--data", dir.toString());
    assertThat(out.get("workspace").asText()).startsWith("ws_");
    assertThat(out.get("region").asText()).isEqualTo("us");
    assertThat(out.get("apiKey").asText()).startsWith("us_api_");
    assertThat(out.get("authKey").asText()).startsWith("us_auth_");
    assertThat(out.get("writeKey").asText()).startsWith("us_wk_");
    assertThat(out.get("accountApiKey").asText()).startsWith("us_acct_");
    assertThat(out.get("adminToken").asText()).startsWith("us_adm_");
  }

  @Test
  void twoCreatesOnANewDataDirectoryAtOnceBothSucceed() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new ArrayList<>();
    List<Path> errors = new ArrayList<>();
    for (String name : List.of("First", "Second", "Third")) {
      errors.add(Files.createTempFile(name, ".err"));
      List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
          "dev.uptake.server.cli.Main", "workspace", "create", "--name", name));
      command.addAll(TestServer.storeArgs(dir));
      processes.add(new ProcessBuilder(command)
          .redirectError(errors.get(errors.size() - 1).toFile()).start());
    }
    for (int i = 0; i < processes.size(); i++) {
      Process process = processes.get(i);
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(Files.readString(errors.get(i))).isZero();
      assertThat(TestServer.JSON.readTree(output).get("workspace").asText()).startsWith("ws_");
    }
    assertThat(TestServer.cli("workspace", "list", "--data", dir.toString())).hasSize(3);
  }

  @Test
  void workspaceCreatedWhileTheServerRunsIsAcceptedWithoutARestart() {
    try (TestServer server = TestServer.start(dir)) {
      TestServer.Keys keys = server.createWorkspace("Late");
      String event = Events.track("A").at(Instant.now().toString()).json();
      assertThat(server.post("/v1/track", event, "Authorization", keys.basicWriteKey()).statusCode()).isEqualTo(200);
      assertThat(server.stats(keys).get("accepted").asInt()).isEqualTo(1);
    }
  }

  @Test
  void listShowsEachWorkspaceWithItsCurrentKeys() {
    JsonNode created = TestServer.cli("workspace", "create", "--name", "Acme", "--data", dir.toString());
    JsonNode list = TestServer.cli("workspace", "list", "--data", dir.toString());
    assertThat(list).singleElement().satisfies(w -> {
      assertThat(w.get("workspace")).isEqualTo(created.get("workspace"));
      assertThat(w.get("writeKey")).isEqualTo(created.get("writeKey"));
      assertThat(w.has("adminToken")).isFalse();
    });
  }

  @Test
  void rotateKeysIssuesNewKeysAndKeepsTheOldOnesForTheGrace() {
    JsonNode created = TestServer.cli("workspace", "create", "--name", "Acme", "--data", dir.toString());
    String id = created.get("workspace").asText();
    JsonNode rotated = TestServer.cli("workspace", "rotate-keys", "--workspace", id, "--grace", "2h", "--data", dir.toString());
    assertThat(rotated.get("writeKey")).isNotEqualTo(created.get("writeKey"));
    assertThat(rotated.get("accountApiKey")).isNotEqualTo(created.get("accountApiKey"));
    assertThat(Duration.between(Instant.now(), Instant.parse(rotated.get("previousKeysValidUntil").asText())))
        .isBetween(Duration.ofMinutes(119), Duration.ofHours(2));
    try (TestServer server = TestServer.start(dir)) {
      String event = Events.track("A").at(Instant.now().toString()).json();
      String oldKey = TestServer.basic(created.get("writeKey").asText(), "");
      String newKey = TestServer.basic(rotated.get("writeKey").asText(), "");
      assertThat(server.post("/v1/track", event, "Authorization", oldKey).statusCode()).isEqualTo(200);
      assertThat(server.post("/v1/track", event, "Authorization", newKey).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void rotateKeysWithNoGraceEndsTheOldKeysAtOnce() {
    JsonNode created = TestServer.cli("workspace", "create", "--name", "Acme", "--data", dir.toString());
    TestServer.cli("workspace", "rotate-keys", "--workspace", created.get("workspace").asText(), "--grace", "0s", "--data", dir.toString());
    try (TestServer server = TestServer.start(dir)) {
      String event = Events.track("A").at(Instant.now().toString()).json();
      String oldKey = TestServer.basic(created.get("writeKey").asText(), "");
      assertThat(server.post("/v1/track", event, "Authorization", oldKey).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void badArgumentsFailWithAMessageAndNoStackTrace() {
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine()
            .setOut(new PrintWriter(new StringWriter()))
            .setErr(new PrintWriter(err))
            .execute(TestServer.onRunStore("workspace", "rotate-keys", "--workspace", "ws_none", "--data", dir.toString()));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("no workspace has the id 'ws_none'").doesNotContain("at dev.uptake");
    StringWriter usage = new StringWriter();
    int usageCode =
        Main.commandLine()
            .setOut(new PrintWriter(new StringWriter()))
            .setErr(new PrintWriter(usage))
            .execute(TestServer.onRunStore("workspace", "rotate-keys", "--workspace", "x", "--grace", "soon", "--data", dir.toString()));
    assertThat(usageCode).isEqualTo(2);
    assertThat(usage.toString()).contains("not a duration");
  }

  @Test
  void databaseUrlThatIsNotPostgresqlIsAUsageErrorThatHidesThePassword() {
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
        .execute("workspace", "list", "--database", "mysql://uptake:hunter2@localhost/db");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid value for option '--database'", "postgresql://user:password@host:5432/db")
        .doesNotContain("hunter2");
  }
}
