package dev.uptake.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.cluster.fixtures.TestKafka;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.http.CrashTest;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.store.DatabaseUrl;
import dev.uptake.store.fixtures.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of separate node processes on a three-broker Kafka and PostgreSQL, while things fail
 * as they do in production: processors killed (SIGKILL) and paused (SIGSTOP), processors added,
 * a broker stopped, commits refused by a lock held in PostgreSQL. Every event a sender got a 200
 * for is counted exactly once.
 */
class ClusterFailuresTest {

  @TempDir static Path kafkaDir;
  static TestKafka kafka;

  @TempDir Path dir;
  final List<Node> nodes = new ArrayList<>();
  String database;
  Keys keys;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = TestKafka.start(kafkaDir);
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @AfterEach
  void killNodes() throws InterruptedException {
    for (Node node : nodes) {
      node.kill();
    }
  }

  private Node start(String name, String roles, String topic) throws Exception {
    Node node = Node.start(name, roles, kafka.bootstrapServers(), database, dir, "--topic", topic, "--partitions", "6");
    nodes.add(node);
    return node;
  }

  private void createWorkspace() {
    database = TestDatabases.fresh();
    keys = Keys.of(TestServer.cliExactly("workspace", "create", "--name", "Acme", "--database", database));
  }

  /** 40 track events of feature F, unique messageIds, over 20 sessions and 4 accounts. */
  static String batch(int number) {
    List<String> events = new ArrayList<>();
    Instant at = Instant.now().minusSeconds(3600);
    for (int i = 0; i < 40; i++) {
      events.add(Events.track("F").user("u" + i % 20).session("s" + (number * 7 + i) % 20).account("acct" + i % 4)
          .at(at.plusMillis(number * 1000L + i).toString()).messageId("m" + number + "-" + i).json());
    }
    return "{\"batch\":[" + String.join(",", events) + "]}";
  }

  /** Sends until an ingest node acknowledges (a 503 or a dropped connection is retried, as senders do). */
  private void sendUntilAcknowledged(Node ingest, Node other, String body) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (int attempt = 0; ; attempt++) {
      Node to = attempt % 2 == 0 ? ingest : other;
      try {
        HttpResponse<String> sent = to.send("POST", "/v1/batch", body, "Authorization", keys.basicWriteKey());
        if (sent.statusCode() == 200) {
          return;
        }
        assertThat(sent.statusCode()).as("%s: %s", to.name(), sent.body()).isEqualTo(503);
      } catch (RuntimeException e) {
        // a connection the node dropped: send again
      }
      assertThat(System.nanoTime()).as("acknowledged within 60 s").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  void everyAcknowledgedEventCountsOnceWhileProcessorsDieAndJoinAndABrokerStops() throws Exception {
    createWorkspace();
    String topic = "failures";
    Node ingestA = start("ingest-a", "ingest", topic);
    Node ingestB = start("ingest-b", "ingest", topic);
    Node first = start("process-1", "process", topic);
    start("process-2", "process", topic);
    Node query = start("query", "query", topic);

    int batches = 120;
    int resent = 0;
    for (int b = 0; b < batches; b++) {
      if (b == 30) {
        first.kill();
      } else if (b == 50) {
        start("process-3", "process", topic);
      } else if (b == 80) {
        kafka.stopBroker(kafka.brokerIds().iterator().next());
      }
      Node ingest = b % 2 == 0 ? ingestA : ingestB;
      Node other = ingest == ingestA ? ingestB : ingestA;
      sendUntilAcknowledged(ingest, other, batch(b));
      if (b % 10 == 5) { // the sender retries an acknowledged batch through the other node
        sendUntilAcknowledged(other, ingest, batch(b));
        resent++;
      }
    }
    int events = batches * 40;
    CrashTest.waitUntil(() -> stats(query).get("processed").asInt() >= events, Duration.ofSeconds(120));
    Thread.sleep(2_000); // anything counted twice would have shown by now

    JsonNode stats = stats(query);
    assertThat(stats.get("accepted").asInt()).isEqualTo(events);
    assertThat(stats.get("processed").asInt()).isEqualTo(events);
    assertThat(stats.get("duplicates").asInt()).isGreaterThanOrEqualTo(resent * 40);
    assertThat(stats.get("received").asInt()).isEqualTo(events + stats.get("duplicates").asInt());
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      assertThat(single(statement, "SELECT count(DISTINCT message_id) FROM events")).isEqualTo(events);
      assertThat(single(statement, "SELECT sum(events) FROM usage_daily WHERE feature = 'F'"))
          .as("each event's contribution applied once").isEqualTo(events);
    }
  }

  @Test
  void aPausedProcessorWhosePartitionsMovedCannotCommitWhenItResumes() throws Exception {
    createWorkspace();
    String topic = "paused";
    Node ingest = start("ingest", "ingest,query", topic);
    Node paused = start("process-1", "process", topic);
    Node other = start("process-2", "process", topic);
    CrashTest.waitUntil(() -> partitions(paused) == 3 && partitions(other) == 3, Duration.ofSeconds(60));
    sendUntilAcknowledged(ingest, ingest, batch(0));
    CrashTest.waitUntil(() -> stats(ingest).get("processed").asInt() == 40, Duration.ofSeconds(60));

    try (Connection lock = connect()) {
      // Both processors read the events table to find new events, and wait for this lock there:
      // before their commits, with a batch of their partitions in hand.
      lock.setAutoCommit(false);
      try (Statement statement = lock.createStatement()) {
        statement.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
        sendUntilAcknowledged(ingest, ingest, batch(1));
        CrashTest.waitUntil(() -> waitingForLock(paused), Duration.ofSeconds(8));
        paused.pause();
      }
      lock.commit();
    }
    // Kafka gives the paused processor's partitions to the other after the session times out.
    CrashTest.waitUntil(() -> partitions(other) == 6, Duration.ofSeconds(60));
    sendUntilAcknowledged(ingest, ingest, batch(2));
    CrashTest.waitUntil(() -> stats(ingest).get("processed").asInt() == 120, Duration.ofSeconds(60));

    paused.resume();
    CrashTest.waitUntil(() -> paused.output().contains("was taken over by another processor"), Duration.ofSeconds(30));
    CrashTest.waitUntil(() -> partitions(paused) == 3 && partitions(other) == 3, Duration.ofSeconds(60));
    sendUntilAcknowledged(ingest, ingest, batch(3));
    CrashTest.waitUntil(() -> stats(ingest).get("processed").asInt() == 160, Duration.ofSeconds(60));
    Thread.sleep(1_000);
    JsonNode stats = stats(ingest);
    assertThat(List.of(stats.get("accepted").asInt(), stats.get("processed").asInt(), stats.get("duplicates").asInt()))
        .containsExactly(160, 160, 0);
    assertThat(paused.get("/metrics").body()).containsPattern("uptake_kafka_partitions_fenced_total [1-9]");
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      assertThat(single(statement, "SELECT sum(events) FROM usage_daily WHERE feature = 'F'")).isEqualTo(160);
    }
  }

  @Test
  void commitsRefusedWhileEventsArriveLoseAndRepeatNothing() throws Exception {
    createWorkspace();
    Node node = start("node", "ingest,process,query", "refused");
    sendUntilAcknowledged(node, node, batch(0));
    CrashTest.waitUntil(() -> stats(node).get("processed").asInt() == 40, Duration.ofSeconds(60));

    try (Connection lock = connect()) {
      // A commit moves its partitions' offsets first: it waits for these rows until its lock
      // timeout (10 s) ends it; then the processor finds out whether the database works at all.
      lock.setAutoCommit(false);
      try (Statement statement = lock.createStatement()) {
        statement.executeQuery("SELECT * FROM partition_offsets FOR UPDATE").close();
        sendUntilAcknowledged(node, node, batch(1));
        Timestamp[] commit = new Timestamp[1];
        CrashTest.waitUntil(() -> (commit[0] = waitingSince(node)) != null, Duration.ofSeconds(8));
        for (int b = 2; b < 6; b++) {
          sendUntilAcknowledged(node, node, batch(b));
        }
        // The commit's lock timeout ended it; the processor's probe waits now, in a later transaction.
        CrashTest.waitUntil(() -> {
          Timestamp waiting = waitingSince(node);
          return waiting != null && waiting.after(commit[0]);
        }, Duration.ofSeconds(30));
      }
      lock.commit();
    }
    CrashTest.waitUntil(() -> node.output().contains("failed; narrowing it down"), Duration.ofSeconds(30));
    CrashTest.waitUntil(() -> stats(node).get("processed").asInt() >= 240, Duration.ofSeconds(60));
    Thread.sleep(1_000); // anything counted twice would have shown by now
    JsonNode stats = stats(node);
    assertThat(List.of(stats.get("accepted").asInt(), stats.get("processed").asInt(), stats.get("duplicates").asInt(),
        stats.get("failed").asInt())).containsExactly(240, 240, 0, 0);
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      assertThat(single(statement, "SELECT count(*) FROM events")).isEqualTo(240);
      assertThat(single(statement, "SELECT sum(events) FROM usage_daily WHERE feature = 'F'"))
          .as("each event's contribution applied once").isEqualTo(240);
    }
  }

  /**
   * Whether the node waits for a lock, seen from a connection of its own: within a transaction,
   * PostgreSQL shows pg_stat_activity as it was at the transaction's first look.
   */
  private boolean waitingForLock(Node node) {
    return waitingSince(node) != null;
  }

  /** When the node's transaction that waits for a lock began, or null when none waits. */
  private Timestamp waitingSince(Node node) {
    try (Connection connection = connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT max(xact_start) FROM pg_stat_activity WHERE application_name"
            + " = 'uptake " + node.process().pid() + "' AND wait_event_type = 'Lock'")) {
      rows.next();
      return rows.getTimestamp(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int partitions(Node processor) {
    return processor.getJson("/health").at("/processing/partitions").size();
  }

  private JsonNode stats(Node query) {
    return query.getJson("/api/v1/stats", "Authorization", keys.bearer());
  }

  private Connection connect() throws SQLException {
    DatabaseUrl url = DatabaseUrl.parse(database);
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  private static long single(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
