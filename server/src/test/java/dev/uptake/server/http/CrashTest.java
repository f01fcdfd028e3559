package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.store.fixtures.Backend;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.server.TestServer;
import dev.uptake.store.DebugEntry;
import dev.uptake.store.Store;
import dev.uptake.store.Workspace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server process, killed with SIGKILL while several connections stream batches at it,
 * loses no acknowledged event: after a restart every acknowledged messageId is stored exactly
 * once, and retrying the requests that got no answer creates no duplicates.
 */
public class CrashTest {

  static final int SENDERS = 4;
  static final int EVENTS_PER_BATCH = 50;
  static final Pattern LISTENING = Pattern.compile("Uptake listening on http://[^:]+:(\\d+)");

  @TempDir Path dir;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  record Sent(String body, List<String> messageIds) {}

  @Test
  void sigkillMidStreamLosesNoAcknowledgedEvent() throws Exception {
    TestServer.Keys keys = keysFor(TestServer.cli("workspace", "create", "--name", "Acme", "--data", dir.toString()));
    ServerProcess first = ServerProcess.start(dir);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<Sent> unanswered = new ConcurrentLinkedQueue<>();
    AtomicBoolean serverUp = new AtomicBoolean(true);
    AtomicInteger acknowledgedBatches = new AtomicInteger();
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    for (int s = 0; s < SENDERS; s++) {
      int sender = s;
      senders.submit(() -> stream(first.port, keys, sender, serverUp, acknowledged, unanswered, acknowledgedBatches));
    }
    waitUntil(() -> acknowledgedBatches.get() >= 40, Duration.ofSeconds(60));
    first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no final commit
    first.process.waitFor(10, TimeUnit.SECONDS);
    serverUp.set(false);
    senders.shutdown();
    assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(acknowledged).isNotEmpty();

    ServerProcess second = ServerProcess.start(dir);
    try {
      for (Sent retry : unanswered) {
        HttpResponse<String> response = post(second.port, keys, retry.body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      }
    } finally {
      second.process.destroy();
      second.process.waitFor(30, TimeUnit.SECONDS);
    }

    Set<String> everySent = new HashSet<>(acknowledged);
    unanswered.forEach(sent -> everySent.addAll(sent.messageIds));
    List<String> stored = storedMessageIds(keys.workspace());
    assertThat(stored).doesNotHaveDuplicates();
    assertThat(stored).containsAll(acknowledged);
    assertThat(new HashSet<>(stored)).isEqualTo(everySent);
  }

  void stream(int port, TestServer.Keys keys, int sender, AtomicBoolean serverUp, Set<String> acknowledged,
      ConcurrentLinkedQueue<Sent> unanswered, AtomicInteger acknowledgedBatches) {
    for (int batch = 0; serverUp.get(); batch++) {
      Sent sent = batch(sender, batch);
      try {
        HttpResponse<String> response = post(port, keys, sent.body);
        if (response.statusCode() == 200) {
          acknowledged.addAll(sent.messageIds);
          acknowledgedBatches.incrementAndGet();
        } else {
          unanswered.add(sent); // 503 while dying: not acknowledged, retry later
        }
      } catch (IOException e) {
        unanswered.add(sent);
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  static Sent batch(int sender, int batch) {
    StringBuilder body = new StringBuilder("{\"batch\":[");
    List<String> ids = new ArrayList<>();
    String now = Instant.now().toString();
    for (int i = 0; i < EVENTS_PER_BATCH; i++) {
      String id = "c-" + sender + "-" + batch + "-" + i;
      ids.add(id);
      body.append(i == 0 ? "" : ",").append(Events.track("Export").at(now).user("u" + i).messageId(id).json());
    }
    return new Sent(body.append("]}").toString(), ids);
  }

  HttpResponse<String> post(int port, TestServer.Keys keys, String body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/batch"))
            .header("Authorization", keys.basicWriteKey())
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  List<String> storedMessageIds(String workspaceId) {
    try (Store store = Backend.ofRun().open(dir, new TestClock(Instant.now()))) {
      Workspace workspace = store.workspaces().find(workspaceId).orElseThrow();
      return store.ledger().latest(workspace.id(), DebugEntry.Filter.ACCEPTED, Integer.MAX_VALUE).stream()
          .map(DebugEntry::messageId)
          .toList();
    }
  }

  static TestServer.Keys keysFor(JsonNode out) {
    return TestServer.Keys.of(out);
  }

  public static void waitUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within " + timeout).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** {@code uptake serve} in a child JVM on the test's class path. */
  public record ServerProcess(Process process, int port) {
    public static ServerProcess start(Path dataDir) throws IOException {
      return start(TestServer.storeArgs(dataDir));
    }

    /** A server on the store {@code storeArgs} open ({@code --data DIR} or {@code --database URL}). */
    public static ServerProcess start(List<String> storeArgs) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
          "dev.uptake.server.cli.Main", "serve", "--port", "0", "--host", "127.0.0.1"));
      command.addAll(storeArgs);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      for (String line; (line = out.readLine()) != null; ) {
        seen.append(line).append('\n');
        Matcher listening = LISTENING.matcher(line);
        if (listening.find()) {
          Thread drain = new Thread(() -> out.lines().forEach(ignored -> {}), "server-output");
          drain.setDaemon(true);
          drain.start();
          return new ServerProcess(process, Integer.parseInt(listening.group(1)));
        }
      }
      throw new IllegalStateException("the server did not start:\n" + seen);
    }
  }
}
