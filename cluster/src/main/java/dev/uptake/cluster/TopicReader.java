package dev.uptake.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * A processor's reading of the event topic, as a member of the processors' consumer group: Kafka
 * assigns it partitions and moves them when processors come and go, telling {@link Owner}. Offsets
 * are never committed to Kafka: the processor keeps them in the database with what it derived,
 * and seeks to them when it takes a partition. Not thread-safe: one processor thread uses it.
 */
public final class TopicReader implements AutoCloseable {

  /** The consumer group every processor of the cluster of {@code topic} joins. */
  public static String group(EventTopic topic) {
    return topic.name() + ".processors";
  }

  /** What the processor does when Kafka moves partitions; called from inside {@link #poll}. */
  public interface Owner {
    /** The partitions are now this processor's: take them over, then {@link #seek} each. */
    void assigned(Set<Integer> partitions);

    /** The partitions are no longer this processor's (handed over, or lost with its membership). */
    void revoked(Set<Integer> partitions);
  }

  /** A record read: where it is, and what it carries. */
  public record Received(int partition, long offset, EventRecords.Decoded decoded, int bytes) {}

  private final EventTopic topic;
  private final EventRecords records = new EventRecords();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ConsumerRebalanceListener listener;

  public TopicReader(EventTopic topic, String clientId, Owner owner) {
    this.topic = topic;
    Map<String, Object> settings = new HashMap<>(topic.clientSettings(clientId));
    settings.put(ConsumerConfig.GROUP_ID_CONFIG, group(topic));
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20_000);
    settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
    // A processor that stops answering (killed, paused, cut off) loses its partitions after 10 s.
    settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    settings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
    this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.listener = new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
          owner.revoked(numbers(partitions));
        }
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
          owner.assigned(numbers(partitions));
        }
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
      }
    };
    consumer.subscribe(List.of(topic.name()), listener);
  }

  private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The records Kafka has for the partitions this processor reads, waiting up to {@code timeout} for some. */
  public List<Received> poll(Duration timeout) {
    List<Received> received = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
      received.add(new Received(record.partition(), record.offset(), records.decode(record.value()),
          record.serializedValueSize()));
    }
    return received;
  }

  public void seek(int partition, long offset) {
    consumer.seek(new TopicPartition(topic.name(), partition), offset);
  }

  /** Stops fetching the partitions (until {@link #resume}) while this processor cannot take them over. */
  public void pause(Collection<Integer> partitions) {
    consumer.pause(partitions(partitions));
  }

  public void resume(Collection<Integer> partitions) {
    consumer.resume(partitions(partitions));
  }

  private List<TopicPartition> partitions(Collection<Integer> partitions) {
    return partitions.stream().map(partition -> new TopicPartition(topic.name(), partition)).toList();
  }

  /** The partitions Kafka assigned this processor now. */
  public Set<Integer> assignment() {
    return numbers(consumer.assignment());
  }

  /** Records in each assigned partition after what this processor has read, when Kafka told it. */
  public Map<Integer, Long> lag() {
    Map<Integer, Long> lag = new HashMap<>();
    for (TopicPartition partition : consumer.assignment()) {
      OptionalLong behind = consumer.currentLag(partition);
      if (behind.isPresent()) {
        lag.put(partition.partition(), behind.getAsLong());
      }
    }
    return lag;
  }

  /**
   * Leaves the group and joins again, revoking every partition: after this processor found one
   * taken over, it starts afresh with whatever Kafka assigns it.
   */
  public void rejoin() {
    consumer.unsubscribe();
    consumer.subscribe(List.of(topic.name()), listener);
  }

  /** The partition Kafka's default partitioner puts {@code key} in, of {@code partitions}. */
  public static int partitionOf(byte[] key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  /** Makes a {@link #poll} in progress return at once (from another thread), for closing. */
  public void wakeup() {
    consumer.wakeup();
  }

  /** Leaves the group, so the partitions move at once instead of after the session times out. */
  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
