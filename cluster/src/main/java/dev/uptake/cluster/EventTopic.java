package dev.uptake.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka topic a cluster's nodes share: where it is ({@code bootstrap}), its name, and how
 * many partitions it gets when the first node creates it (with the broker's default replication).
 */
public record EventTopic(String bootstrap, String name, int partitions) {

  public static final String DEFAULT_NAME = "uptake.events";
  public static final int DEFAULT_PARTITIONS = 12;
  /** How long a call to Kafka may take before the node reports Kafka unreachable. */
  static final Duration ANSWER_WITHIN = Duration.ofSeconds(8);

  private static final Logger log = LoggerFactory.getLogger(EventTopic.class);

  public EventTopic {
    Objects.requireNonNull(bootstrap, "bootstrap");
    Objects.requireNonNull(name, "name");
    if (partitions < 1) {
      throw new IllegalArgumentException("a topic needs at least one partition, not " + partitions);
    }
  }

  /** Settings every client of this cluster shares. */
  Map<String, Object> clientSettings(String clientId) {
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.CLIENT_ID_CONFIG, clientId,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ANSWER_WITHIN.toMillis() / 2,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
  }

  /**
   * Creates the topic unless it exists, and returns its partition count. Nodes starting at once
   * race to create it; the losers find it made.
   *
   * @throws KafkaUnavailableException when Kafka does not answer within {@link #ANSWER_WITHIN}
   */
  public int ensureExists() {
    try (Admin admin = Admin.create(clientSettings("uptake-admin"))) {
      Optional<TopicDescription> found = describe(admin);
      if (found.isPresent()) {
        return found.get().partitions().size();
      }
      try {
        admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty()))).all()
            .get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        log.info("created Kafka topic {} with {} partitions", name, partitions);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw unavailable("creating topic " + name, e.getCause());
        }
      }
      return describe(admin).orElseThrow(() -> new KafkaUnavailableException("topic " + name + " was created but is not"
          + " listed yet; trying again", null)).partitions().size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while looking for topic " + name, e);
    } catch (TimeoutException e) {
      throw unavailable("looking for topic " + name, e);
    }
  }

  private Optional<TopicDescription> describe(Admin admin) throws InterruptedException, TimeoutException {
    try {
      return Optional.of(admin.describeTopics(List.of(name)).allTopicNames()
          .get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS).get(name));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw unavailable("looking for topic " + name, e.getCause());
    }
  }

  private KafkaUnavailableException unavailable(String doing, Throwable cause) {
    return new KafkaUnavailableException("Kafka at " + bootstrap + " did not answer " + doing + ": " + cause, cause);
  }

  @Override
  public String toString() {
    return name + " at " + bootstrap;
  }
}
