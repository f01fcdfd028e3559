package dev.uptake.cluster;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks Kafka whether it answers, for {@code /health}: a client's cached metadata would say nothing
 * while no event is sent. At most one question every {@link #EVERY_NANOS}; the answer is kept.
 */
public final class KafkaProbe implements AutoCloseable {

  private static final long EVERY_NANOS = 2_000_000_000L;
  private static final int TIMEOUT_MS = 2_000;

  private final EventTopic topic;
  private Admin admin;
  private long askedAt;
  private Optional<String> trouble = Optional.empty();

  public KafkaProbe(EventTopic topic) {
    this.topic = topic;
  }

  /** Empty when Kafka answered lately, else what went wrong. */
  public synchronized Optional<String> trouble() {
    if (admin != null && System.nanoTime() - askedAt < EVERY_NANOS) {
      return trouble;
    }
    askedAt = System.nanoTime();
    if (admin == null) {
      admin = Admin.create(topic.clientSettings("uptake-health"));
    }
    try {
      int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS)).nodes()
          .get(TIMEOUT_MS + 500, TimeUnit.MILLISECONDS).size();
      trouble = brokers > 0 ? Optional.empty() : Optional.of("Kafka at " + topic.bootstrap() + " lists no broker");
    } catch (ExecutionException | TimeoutException e) {
      trouble = Optional.of("Kafka at " + topic.bootstrap() + " does not answer: " + (e.getCause() != null ? e.getCause() : e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      trouble = Optional.of("interrupted while asking Kafka");
    }
    return trouble;
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close(java.time.Duration.ofSeconds(2));
    }
  }
}
