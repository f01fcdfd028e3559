package dev.uptake.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.keys.Region;
import dev.uptake.server.cli.Main;
import dev.uptake.server.config.MemoryBudget;
import dev.uptake.server.config.UptakeConfig;
import dev.uptake.store.fixtures.Backend;
import dev.uptake.store.postgres.PostgresStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A real Uptake server on a free port over a temporary data directory, with a real HTTP client,
 * and workspaces made the way an operator makes them: with the {@code uptake workspace} command.
 */
public final class TestServer implements AutoCloseable {

  public static final ObjectMapper JSON = new ObjectMapper();

  /** A workspace's credentials as {@code uptake workspace create} printed them. */
  public record Keys(
      String workspace, String apiKey, String authKey, String writeKey, String adminToken, String adminEmail,
      String adminPassword, String accountApiKey) {

    /** The keys of {@code uptake workspace create}'s output. */
    public static Keys of(JsonNode out) {
      return new Keys(
          out.get("workspace").asText(), out.get("apiKey").asText(), out.get("authKey").asText(),
          out.get("writeKey").asText(), out.get("adminToken").asText(), out.get("adminEmail").asText(),
          out.get("adminPassword").asText(), out.get("accountApiKey").asText());
    }

    public String basicWriteKey() {
      return basic(writeKey, "");
    }

    public String bearer() {
      return "Bearer " + adminToken;
    }
  }

  public final Path dataDir;
  /** The options that open this server's store from the command line. */
  public final List<String> storeArgs;
  private final Uptake uptake;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

  private TestServer(Path dataDir, Backend backend, Uptake uptake) {
    this.dataDir = dataDir;
    this.storeArgs = backend.args(dataDir);
    this.uptake = uptake;
  }

  /** A server on {@code backend}'s store named {@code dataDir}, whatever store this test run uses. */
  public static TestServer start(Backend backend, Path dataDir, Clock clock) {
    UptakeConfig config =
        new UptakeConfig(new UptakeConfig.HttpConfig("127.0.0.1", 0), backend.config(dataDir), Region.US, Map.of());
    return new TestServer(dataDir, backend, Uptake.start(config, clock));
  }

  public static TestServer start(Path dataDir) {
    return start(dataDir, Region.US, Map.of());
  }

  public static TestServer start(Path dataDir, Region region, Map<Region, URI> endpoints) {
    return start(dataDir, region, endpoints, Clock.systemUTC());
  }

  /** A server whose "now" is {@code clock}'s: for figures over windows that end with yesterday. */
  public static TestServer start(Path dataDir, Clock clock) {
    return start(dataDir, Region.US, Map.of(), clock);
  }

  /** A server whose caches together hold at most {@code memory}. */
  public static TestServer start(Path dataDir, MemoryBudget memory) {
    UptakeConfig config = new UptakeConfig(new UptakeConfig.HttpConfig("127.0.0.1", 0), Backend.ofRun().config(dataDir),
        Region.US, Map.of(), memory, false, java.util.Optional.empty());
    return new TestServer(dataDir, Backend.ofRun(), Uptake.start(config, Clock.systemUTC()));
  }

  private static TestServer start(Path dataDir, Region region, Map<Region, URI> endpoints, Clock clock) {
    UptakeConfig config =
        new UptakeConfig(new UptakeConfig.HttpConfig("127.0.0.1", 0), Backend.ofRun().config(dataDir), region, endpoints);
    return new TestServer(dataDir, Backend.ofRun(), Uptake.start(config, clock));
  }

  /** Every route the server registered, as {@code METHOD /path}. */
  public List<String> routes() {
    return uptake.routes();
  }

  public int port() {
    return uptake.port();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  /** Runs {@code uptake workspace create} on this server's data directory. */
  public Keys createWorkspace(String name) {
    return createWorkspace(name, "us");
  }

  public Keys createWorkspace(String name, String region) {
    List<String> args = new ArrayList<>(List.of("workspace", "create", "--name", name, "--region", region));
    args.addAll(storeArgs);
    return Keys.of(cliExactly(args.toArray(String[]::new)));
  }

  /**
   * Runs an {@code uptake} command in this JVM and returns its JSON output. Tests name a store by
   * its directory ({@code --data DIR}); on a PostgreSQL run ({@link Backend#ofRun()}) that becomes
   * the directory's database ({@link #storeArgs}).
   */
  public static JsonNode cli(String... args) {
    return cliExactly(onRunStore(args));
  }

  /** Runs an {@code uptake} command with exactly {@code args} in this JVM and returns its JSON output. */
  public static JsonNode cliExactly(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    assertThat(code).as("uptake %s failed: %s", String.join(" ", args), err).isZero();
    try {
      return JSON.readTree(out.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Another connection holding the lock every append takes, until closed: appends wait for it and
   * then answer 503 (SQLite's busy timeout, PostgreSQL's lock timeout), as when another program
   * holds the store.
   */
  public AutoCloseable holdAppends() throws SQLException {
    return Backend.ofRun() == Backend.SQLITE
        ? hold(DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("uptake.db")), "BEGIN IMMEDIATE")
        : hold(Backend.POSTGRESQL.connect(dataDir), "BEGIN", "SELECT pg_advisory_xact_lock(" + PostgresStore.APPEND_LOCK + ")");
  }

  /** Another connection holding what processing commits must write, until closed: commits fail and are retried. */
  public AutoCloseable holdProcessing() throws SQLException {
    return Backend.ofRun() == Backend.SQLITE
        ? hold(DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("state.db")), "BEGIN IMMEDIATE")
        : hold(Backend.POSTGRESQL.connect(dataDir), "BEGIN", "SELECT seq FROM processing_cursor FOR UPDATE");
  }

  private static AutoCloseable hold(Connection connection, String... statements) throws SQLException {
    Statement statement = connection.createStatement();
    for (String sql : statements) {
      statement.execute(sql);
    }
    return () -> {
      try (connection; statement) {
        statement.execute("ROLLBACK");
      }
    };
  }

  /** The options that open the store named by directory {@code dir} in this test run. */
  public static List<String> storeArgs(Path dir) {
    return Backend.ofRun().args(dir);
  }

  /** {@code args} with each {@code --data DIR} replaced by {@link #storeArgs}. */
  public static String[] onRunStore(String... args) {
    List<String> replaced = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--data") && i + 1 < args.length) {
        replaced.addAll(storeArgs(Path.of(args[++i])));
      } else {
        replaced.add(args[i]);
      }
    }
    return replaced.toArray(String[]::new);
  }

  public HttpResponse<String> post(String path, String body, String... headers) {
    return post(path, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  public HttpResponse<String> post(String path, byte[] body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    return send(request, headers);
  }

  public HttpResponse<String> get(String path, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url(path))).GET(), headers);
  }

  public HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }

  /** {@code GET /api/v1/stats} of the workspace. */
  public JsonNode stats(Keys keys) {
    HttpResponse<String> response = get("/api/v1/stats", "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  /** The entries of {@code GET /api/v1/debugger?status=…&limit=1000}. */
  public JsonNode debugger(Keys keys, String status) {
    HttpResponse<String> response =
        get("/api/v1/debugger?limit=1000" + (status == null ? "" : "&status=" + status), "Authorization", keys.bearer());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).get("events");
  }

  /** Sends the events in one {@code /v1/batch} with the workspace's write key, and waits until they are processed. */
  public void sendProcessed(Keys keys, Events... events) {
    StringBuilder body = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < events.length; i++) {
      body.append(i == 0 ? "" : ",").append(events[i].json());
    }
    HttpResponse<String> response = post("/v1/batch", body.append("]}").toString(), "Authorization", keys.basicWriteKey());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("rejected")).as(response.body()).isEmpty();
    awaitProcessed(keys);
  }

  /** Waits until the processor has consumed everything the workspace accepted. */
  public void awaitProcessed(Keys keys) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      JsonNode stats = stats(keys);
      if (stats.get("processed").asLong() >= stats.get("accepted").asLong()) {
        return;
      }
      assertThat(System.nanoTime()).as("processed within 30 s: " + stats).isLessThan(deadline);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Waits until the alert watch has made a whole pass that began after this call (it counts its
   * passes in {@code /metrics}): today's health points are then kept and every rule evaluated.
   */
  public void awaitWatchPass() {
    double start = watchPasses();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (watchPasses() < start + 2) {
      assertThat(System.nanoTime()).as("two alert watch passes within 60 s").isLessThan(deadline);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private double watchPasses() {
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith("uptake_alerts_watch_passes_total ")) {
        return Double.parseDouble(line.substring(line.indexOf(' ') + 1).strip());
      }
    }
    throw new AssertionError("/metrics has no uptake_alerts_watch_passes_total");
  }

  public HttpResponse<String> put(String path, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(path))).PUT(HttpRequest.BodyPublishers.ofString(body));
    return send(request, headers);
  }

  public static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    uptake.close();
  }
}
