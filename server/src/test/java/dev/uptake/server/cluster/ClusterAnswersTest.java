package dev.uptake.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.cluster.fixtures.TestKafka;
import dev.uptake.server.TestServer;
import dev.uptake.server.TestServer.Keys;
import dev.uptake.server.query.SameAnswersTest;
import dev.uptake.store.fixtures.Backend;
import dev.uptake.store.fixtures.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seeded traffic, sent through two ingest nodes (each request once, a third of them
 * again through the other node) to three processors on Kafka and PostgreSQL, and to the embedded
 * server, both under the same mapping of their own, then the same Account API writes: the query
 * node answers every users, accounts, sessions, usage and list route, and the Account API's reads,
 * as the embedded server does, and counts the same received, accepted, duplicate and rejected events.
 */
class ClusterAnswersTest {

  static final String MAPPING = "{\"feature\":[\"properties.action\",\"event\"],\"exclude\":[\"F5\"],"
      + "\"rename\":{\"F1\":\"Feature One\"}}";
  static final String ACCOUNTS = "{\"records\":[{\"account_id\":\"acct1\",\"name\":\"From the CRM\",\"industry\":\"Retail\"},"
      + "{\"account_id\":\"crm-9\",\"name\":\"Only in the CRM\",\"join_date\":1600000000000},{\"account_id\":\"crm-10\"}]}";
  static final String USERS = "{\"records\":[{\"user_id\":\"u1\",\"account_id\":\"crm-9\",\"title\":\"CTO\"},"
      + "{\"user_id\":\"crm-user\",\"account_id\":\"crm-9\"},{\"user_id\":\"lost\",\"account_id\":\"nope\"}]}";

  static final String[] COUNTS = {"received", "accepted", "rejected", "duplicates", "warnings", "processed", "failed"};

  @TempDir static Path kafkaDir;
  static TestKafka kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = TestKafka.start(kafkaDir);
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7})
  void aClusterAnswersAsTheEmbeddedServerDoes(long seed) throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
    List<String> requests = SameAnswersTest.requests(new Random(seed), now);
    String database = TestDatabases.fresh();
    Keys clusterKeys = Keys.of(TestServer.cliExactly("workspace", "create", "--name", "Acme", "--database", database));
    String topic = "answers-" + seed;
    List<Node> nodes = new ArrayList<>();
    try {
      Node ingestA = start(nodes, "ingest-a", "ingest", database, topic);
      Node ingestB = start(nodes, "ingest-b", "ingest", database, topic);
      for (int i = 1; i <= 3; i++) {
        start(nodes, "process-" + i, "process", database, topic);
      }
      Node query = start(nodes, "query", "query", database, topic);

      try (TestServer embedded = TestServer.start(Backend.SQLITE, dir.resolve("embedded"), Clock.systemUTC())) {
        Keys keys = embedded.createWorkspace("Acme");
        String settings = "{\"tiers\":[\"Gold\",\"Silver\"],\"dimensions\":"
            + "[{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"}]}";
        assertThat(embedded.put("/api/v1/settings", settings, "Authorization", keys.bearer()).statusCode()).isEqualTo(200);
        assertThat(query.send("PUT", "/api/v1/settings", settings, "Authorization", clusterKeys.bearer()).statusCode())
            .isEqualTo(200);
        assertThat(embedded.put("/api/v1/mappings", MAPPING, "Authorization", keys.bearer()).statusCode()).isEqualTo(200);
        assertThat(query.send("PUT", "/api/v1/mappings", MAPPING, "Authorization", clusterKeys.bearer()).statusCode())
            .isEqualTo(200);

        for (int i = 0; i < requests.size(); i++) {
          List<Node> through = i % 3 == 0 ? List.of(ingestA, ingestB) : List.of(i % 2 == 0 ? ingestA : ingestB);
          for (Node ingest : through) {
            HttpResponse<String> sent = ingest.send("POST", "/v1/batch", requests.get(i), "Authorization",
                clusterKeys.basicWriteKey(), "Content-Type", "application/json");
            assertThat(sent.statusCode()).as("%s: %s", ingest.name(), sent.body()).isEqualTo(200);
            assertThat(embedded.post("/v1/batch", requests.get(i), "Authorization", keys.basicWriteKey()).statusCode())
                .isEqualTo(200);
          }
        }
        embedded.awaitProcessed(keys);
        awaitCounts(query, clusterKeys, embedded.stats(keys));
        for (String[] write : new String[][] {{"/api/v2/accounts", ACCOUNTS}, {"/api/v2/account_users", USERS}}) {
          HttpResponse<String> mine = embedded.post(write[0], write[1], "Authorization", TestServer.basic("api", keys.accountApiKey()));
          HttpResponse<String> theirs = query.send("POST", write[0], write[1], "Authorization",
              TestServer.basic("api", clusterKeys.accountApiKey()), "Content-Type", "application/json");
          assertThat(theirs.statusCode()).as(theirs.body()).isEqualTo(200);
          assertThat(theirs.body()).as(write[0]).isEqualTo(mine.body()).contains("failed_results");
        }
        embedded.awaitProcessed(keys);
        JsonNode expected = embedded.stats(keys);
        assertThat(expected.get("duplicates").asInt()).as("retries were sent").isPositive();
        awaitCounts(query, clusterKeys, expected);
        for (Node processor : nodes.subList(2, 5)) {
          assertThat(processor.getJson("/health").at("/processing/partitions"))
              .as("%s processes a share of the partitions", processor.name()).hasSize(2);
        }

        Map<String, String> embeddedAnswers = new LinkedHashMap<>();
        Map<String, String> clusterAnswers = new LinkedHashMap<>();
        for (String path : paths(embedded.routes())) {
          for (String accept : List.of("application/json", "text/csv")) {
            HttpResponse<String> mine = embedded.get(path, "Authorization", keys.bearer(), "Accept", accept);
            embeddedAnswers.put(path + " " + accept, mine.statusCode() + " " + mine.body().replace(keys.workspace(), "{ws}"));
            HttpResponse<String> theirs = query.get(path, "Authorization", clusterKeys.bearer(), "Accept", accept);
            clusterAnswers.put(path + " " + accept,
                theirs.statusCode() + " " + theirs.body().replace(clusterKeys.workspace(), "{ws}"));
          }
        }
        for (String path : List.of("/api/v2/accounts", "/api/v2/accounts/acct1", "/api/v2/accounts/crm-9/users",
            "/api/v2/account_users?order_by=account_id")) {
          HttpResponse<String> mine = embedded.get(path, "Authorization", TestServer.basic("api", keys.accountApiKey()));
          embeddedAnswers.put(path, mine.statusCode() + " " + mine.body());
          HttpResponse<String> theirs = query.get(path, "Authorization", TestServer.basic("api", clusterKeys.accountApiKey()));
          clusterAnswers.put(path, theirs.statusCode() + " " + theirs.body());
        }
        assertThat(embeddedAnswers.get("/api/v2/accounts/crm-9/users")).contains("crm-user").contains("CTO");
        assertThat(clusterAnswers).hasSizeGreaterThan(50).isEqualTo(embeddedAnswers);
      }
    } finally {
      for (Node node : nodes) {
        node.kill();
      }
    }
  }

  private Node start(List<Node> nodes, String name, String roles, String database, String topic) throws Exception {
    Node node = Node.start(name, roles, kafka.bootstrapServers(), database, dir, "--topic", topic, "--partitions", "6");
    nodes.add(node);
    return node;
  }

  /** Waits until the cluster's counts are the embedded server's. */
  static void awaitCounts(Node query, Keys keys, JsonNode expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Map<String, Long> want = counts(expected);
    Map<String, Long> got = Map.of();
    while (System.nanoTime() < deadline) {
      got = counts(query.getJson("/api/v1/stats", "Authorization", keys.bearer()));
      if (got.equals(want)) {
        return;
      }
      Thread.sleep(200);
    }
    assertThat(got).as("the cluster's counts within 90 s").isEqualTo(want);
  }

  static Map<String, Long> counts(JsonNode stats) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String count : COUNTS) {
      counts.put(count, stats.path(count).asLong(-1));
    }
    return counts;
  }

  /** Every GET route of users, accounts, sessions and usage, for a few ids, and account lists in every order. */
  static List<String> paths(List<String> routes) {
    List<String> paths = new ArrayList<>();
    for (String route : routes) {
      if (route.startsWith("GET /api/v1/") && !route.contains("events") && !route.contains("debugger")
          && !route.contains("stats") && !route.contains("quarantine")) {
        String path = route.substring("GET ".length());
        for (String id : path.startsWith("/api/v1/users/") ? List.of("u1", "u7", "u12") : List.of("acct1", "acct4")) {
          paths.add(path.replace("{id}", id));
        }
      }
    }
    for (String figure : List.of("activeUsers30d", "sessions30d", "activeSeconds30d", "lastSeenAt", "name")) {
      paths.add("/api/v1/accounts?sort=" + figure + "&order=desc");
      paths.add("/api/v1/accounts?sort=" + figure + "&order=asc&limit=2");
    }
    paths.add("/api/v1/accounts?tier=Gold&dimension.seats%3E20");
    return paths.stream().distinct().toList();
  }
}
