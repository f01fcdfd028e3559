package dev.uptake.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.cluster.fixtures.TestKafka;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import dev.uptake.server.http.CrashTest;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.server.web.WebClient;
import dev.uptake.store.fixtures.TestDatabases;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster nodes starting, joining and meeting a Kafka that does not answer. */
class ClusterNodesTest {

  @TempDir Path dir;
  final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void killNodes() throws InterruptedException {
    for (Node node : nodes) {
      node.kill();
    }
  }

  private static HttpResponse<String> track(Node ingest, Keys keys, String messageId) {
    return ingest.send("POST", "/v1/track", Events.track("Open").user("u1").messageId(messageId).json(),
        "Authorization", keys.basicWriteKey());
  }

  @Test
  void nodesStartingAtOnceOnAnEmptyDatabaseAndNoTopicShareOneSchemaAndOneTopic() throws Exception {
    try (TestKafka kafka = TestKafka.start(dir.resolve("kafka"))) {
      String database = TestDatabases.fresh();
      List<CompletableFuture<Node>> starting = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String name = "node-" + i;
        starting.add(CompletableFuture.supplyAsync(() -> {
          try {
            return Node.start(name, "ingest,process,query", kafka.bootstrapServers(), database, dir, "--partitions", "5");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      starting.forEach(node -> nodes.add(node.join()));
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        assertThat(admin.describeTopics(List.of("uptake.events")).allTopicNames().get().get("uptake.events").partitions())
            .hasSize(5);
      }

      // Created while the nodes run: every ingest node takes its events within 10 seconds.
      Keys keys = Keys.of(TestServer.cliExactly("workspace", "create", "--name", "Late", "--database", database));
      for (Node node : nodes) {
        CrashTest.waitUntil(() -> track(node, keys, "from-" + node.name()).statusCode() == 200,
            Duration.ofSeconds(10));
      }
      CrashTest.waitUntil(() -> nodes.get(0).getJson("/api/v1/stats", "Authorization", keys.bearer())
          .get("processed").asInt() == 3, Duration.ofSeconds(60));
    }
  }

  @Test
  void anIngestNodeAnswers503Within10SecondsWhileKafkaDoesNotAnswer() throws Exception {
    String database = TestDatabases.fresh();
    Keys keys = Keys.of(TestServer.cliExactly("workspace", "create", "--name", "Acme", "--database", database));
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Node never = Node.start("never", "ingest", "127.0.0.1:" + closedPort, database, dir);
    nodes.add(never);
    assertAnswers503Within10Seconds(never, keys);
    assertThat(never.get("/health").statusCode()).isEqualTo(503);

    TestKafka kafka = TestKafka.start(dir.resolve("kafka"));
    Node ingest;
    try {
      ingest = Node.start("ingest", "ingest", kafka.bootstrapServers(), database, dir);
      nodes.add(ingest);
      CrashTest.waitUntil(() -> track(ingest, keys, "before").statusCode() == 200, Duration.ofSeconds(30));
      assertThat(ingest.get("/health").statusCode()).isEqualTo(200);
    } finally {
      kafka.close();
    }
    assertAnswers503Within10Seconds(ingest, keys);
    CrashTest.waitUntil(() -> ingest.get("/health").statusCode() == 503, Duration.ofSeconds(10));
    assertThat(ingest.get("/health").body()).contains("does not answer");
  }

  @Test
  void aBrowserSignedInThroughOneQueryNodeIsSignedInOnEveryOneAndFailuresCountTogether() throws Exception {
    try (TestKafka kafka = TestKafka.start(dir.resolve("kafka"))) {
      String database = TestDatabases.fresh();
      Keys keys = Keys.of(TestServer.cliExactly("workspace", "create", "--name", "Acme", "--database", database));
      Node first = Node.start("query-1", "query", kafka.bootstrapServers(), database, dir);
      nodes.add(first);
      Node second = Node.start("query-2", "query", kafka.bootstrapServers(), database, dir);
      nodes.add(second);
      String a = "http://127.0.0.1:" + first.port();
      String b = "http://127.0.0.1:" + second.port();

      WebClient browser = new WebClient(a);
      assertThat(browser.signIn(keys.adminEmail(), keys.adminPassword()).statusCode()).isEqualTo(303);
      assertThat(browser.at(b).get("/accounts").statusCode()).as("the session, on the other node").isEqualTo(200);

      WebClient guesser = new WebClient(a);
      for (int i = 0; i < 5; i++) {
        WebClient to = guesser.at(i % 2 == 0 ? a : b);
        assertThat(to.signIn(keys.adminEmail(), "wrong-" + i).statusCode()).isEqualTo(401);
      }
      assertThat(guesser.at(b).signIn(keys.adminEmail(), keys.adminPassword()).statusCode())
          .as("the sixth try, whichever node it reaches").isEqualTo(429);
      assertThat(guesser.at(a).signIn(keys.adminEmail(), keys.adminPassword()).statusCode()).isEqualTo(429);
    }
  }

  private static void assertAnswers503Within10Seconds(Node ingest, Keys keys) {
    for (int i = 0; i < 2; i++) {
      long started = System.nanoTime();
      HttpResponse<String> answer = track(ingest, keys, "while-down-" + i);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
      assertThat(answer.body()).contains("Kafka");
      assertThat(took).as("no hanging request").isLessThanOrEqualTo(Duration.ofSeconds(10));
    }
  }
}
