package dev.uptake.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.cluster.fixtures.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestKafkaTest {

  @Test
  void smoke(@TempDir Path dir) throws Exception {
    long t0 = System.nanoTime();
    try (TestKafka kafka = TestKafka.start(dir)) {
      System.out.println("started in " + (System.nanoTime() - t0) / 1_000_000 + " ms; brokers " + kafka.brokerIds());
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("t", 3, (short) 3))).all().get();
      }
      try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
          new StringSerializer(), new StringSerializer())) {
        p.send(new ProducerRecord<>("t", "k", "v")).get();
      }
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
          "group.id", "g", "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
        c.subscribe(Set.of("t"));
        int n = 0;
        long end = System.currentTimeMillis() + 20000;
        while (n == 0 && System.currentTimeMillis() < end) {
          n += c.poll(Duration.ofMillis(200)).count();
        }
        assertThat(n).isEqualTo(1);
      }
      System.out.println("done in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
  }
}
