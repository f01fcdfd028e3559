package dev.uptake.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.cluster.fixtures.TestKafka;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.store.Appended;
import dev.uptake.store.IngestBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest side's log on a real three-broker Kafka, and on a Kafka that does not answer. */
class KafkaEventLogTest {

  static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  final Normalizer normalizer = new Normalizer(Events.JSON);

  @TempDir Path dir;

  private IngestBatch batch(String... sessions) {
    List<Outcome.Accepted> events = new ArrayList<>();
    for (String session : sessions) {
      events.add((Outcome.Accepted) normalizer.normalize(Events.track("Open").user("u").session(session).node(), NOW, null));
    }
    return new IngestBatch(1, NOW, events, List.of());
  }

  @Test
  void acknowledgedRecordsAreReadInOrderWithASessionsRecordsInOnePartition() throws Exception {
    try (TestKafka kafka = TestKafka.start(dir)) {
      EventTopic topic = new EventTopic(kafka.bootstrapServers(), "events", 4);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (KafkaEventLog log = new KafkaEventLog(topic, "test", registry).start()) {
        awaitReady(log);
        Appended receipt = log.append(batch("a", "b", "a", "c", "a")).get();
        assertThat(receipt).isEqualTo(new Appended(5, 0));
        assertThat(registry.get("uptake.kafka.produced").tag("result", "acked").counter().count()).isEqualTo(5);
      }

      Map<Integer, List<String>> sessionsByPartition = new HashMap<>();
      List<TopicReader.Received> read = new ArrayList<>();
      try (TopicReader reader = new TopicReader(topic, "test", new TopicReader.Owner() {
        @Override
        public void assigned(Set<Integer> partitions) {}

        @Override
        public void revoked(Set<Integer> partitions) {}
      })) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (read.size() < 5 && System.nanoTime() < deadline) {
          read.addAll(reader.poll(Duration.ofMillis(200)));
        }
      }
      assertThat(read).hasSize(5);
      for (TopicReader.Received record : read) {
        String session = ((EventRecords.Arrived) record.decoded()).accepted().event().anonymousId();
        sessionsByPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(session);
      }
      sessionsByPartition.values().forEach(sessions -> {
        if (sessions.contains("a")) {
          assertThat(sessions).filteredOn("a"::equals).hasSize(3);
        }
      });
    }
  }

  @Test
  void aKafkaThatDoesNotAnswerFailsTheAppendWithinTenSeconds() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    try (KafkaEventLog log = new KafkaEventLog(new EventTopic("127.0.0.1:" + closed, "events", 4), "test",
        new SimpleMeterRegistry()).start()) {
      long start = System.nanoTime();
      CompletableFuture<Appended> append = log.append(batch("a"));
      assertThat(append).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(KafkaUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(log.trouble()).isPresent();
    }
  }

  private static void awaitReady(KafkaEventLog log) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (log.trouble().isPresent()) {
      assertThat(System.nanoTime()).as("the topic is made within 30 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
