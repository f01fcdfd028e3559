package dev.uptake.cluster;

import dev.uptake.core.ingest.Outcome;
import dev.uptake.store.Appended;
import dev.uptake.store.EventLog;
import dev.uptake.store.IngestBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log of an ingest node: each request's records go to the event topic, and the request
 * is acknowledged once every one of them is ({@code acks=all}: on every in-sync replica). The
 * producer is idempotent, so its own retries never write a record twice; a sender's retry of the
 * same events writes them again, and processing counts them once.
 *
 * <p>Whether an event is a duplicate of one stored earlier is known only when it is processed: the
 * receipt's {@code duplicates} counts only repeats within the request.
 */
public final class KafkaEventLog implements EventLog, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaEventLog.class);

  private final EventTopic topic;
  private final EventRecords records = new EventRecords();
  private final KafkaProducer<byte[], byte[]> producer;
  private final Counter acked;
  private final Counter failed;
  private final KafkaProbe probe;
  private final Thread topicWaiter;
  private volatile boolean topicReady;
  private volatile boolean closed;

  public KafkaEventLog(EventTopic topic, String clientId, MeterRegistry registry) {
    this.topic = topic;
    Map<String, Object> settings = new HashMap<>(topic.clientSettings(clientId));
    settings.remove("reconnect.backoff.max.ms");
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    settings.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    // A request waits for Kafka at most ANSWER_WITHIN in all: metadata (max.block) or delivery.
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, EventTopic.ANSWER_WITHIN.toMillis() / 2);
    settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) EventTopic.ANSWER_WITHIN.toMillis() / 2);
    settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) EventTopic.ANSWER_WITHIN.toMillis());
    this.producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
    this.acked = Counter.builder("uptake.kafka.produced").tag("result", "acked")
        .description("records of the event topic Kafka acknowledged (acks=all)").register(registry);
    this.failed = Counter.builder("uptake.kafka.produced").tag("result", "failed")
        .description("records Kafka did not acknowledge in time or refused: their requests answered 503").register(registry);
    this.probe = new KafkaProbe(topic);
    this.topicWaiter = new Thread(this::awaitTopic, "uptake-topic");
  }

  /** Makes sure the topic exists (creating it when missing) before taking events; returns at once. */
  public KafkaEventLog start() {
    topicWaiter.setDaemon(true);
    topicWaiter.start();
    return this;
  }

  /**
   * Without it, the producer's first record would have Kafka create the topic with the broker's
   * default partition count.
   */
  private void awaitTopic() {
    while (!closed && !topicReady) {
      try {
        topic.ensureExists();
        topicReady = true;
      } catch (KafkaUnavailableException e) {
        log.warn("{}; events are refused (503) until it answers; trying again in 2 s", e.getMessage());
        try {
          Thread.sleep(2_000);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  /** Empty when Kafka answers and the topic exists, else why events cannot be taken now. */
  public Optional<String> trouble() {
    if (!topicReady) {
      return Optional.of("topic " + topic.name() + " not found or created yet");
    }
    return probe.trouble();
  }

  /**
   * Sends the batch's records; the receipt comes once Kafka acknowledged all of them, else the
   * future fails with {@link KafkaUnavailableException} within {@link EventTopic#ANSWER_WITHIN}
   * and a second, and the sender is told to retry (503).
   */
  @Override
  public CompletableFuture<Appended> append(IngestBatch batch) {
    if (!topicReady) {
      return CompletableFuture.failedFuture(new KafkaUnavailableException("the event topic " + topic
          + " does not exist yet and Kafka did not answer to create it; nothing was acknowledged, send the events again",
          null));
    }
    List<EventRecords.Encoded> encoded = records.encode(batch);
    CompletableFuture<?>[] acks = new CompletableFuture<?>[encoded.size()];
    for (int i = 0; i < acks.length; i++) {
      CompletableFuture<Void> ack = new CompletableFuture<>();
      acks[i] = ack;
      try {
        producer.send(new ProducerRecord<>(topic.name(), encoded.get(i).key(), encoded.get(i).value()), (metadata, error) -> {
          if (error == null) {
            acked.increment();
            ack.complete(null);
          } else {
            failed.increment();
            ack.completeExceptionally(error);
          }
        });
      } catch (RuntimeException e) { // metadata not available within max.block.ms, buffer full, closed
        failed.increment(acks.length - i);
        return CompletableFuture.failedFuture(unavailable(e));
      }
    }
    return CompletableFuture.allOf(acks)
        .orTimeout(EventTopic.ANSWER_WITHIN.toMillis() + 1_000, TimeUnit.MILLISECONDS)
        .handle((done, error) -> {
          if (error != null) {
            throw unavailable(error instanceof CompletionException ? error.getCause() : error);
          }
          return receipt(batch);
        });
  }

  /** New within the request, and repeats within it: earlier copies are found when processed. */
  private static Appended receipt(IngestBatch batch) {
    Set<String> seen = new HashSet<>();
    int distinct = 0;
    for (Outcome.Accepted accepted : batch.accepted()) {
      if (seen.add(accepted.event().messageId())) {
        distinct++;
      }
    }
    return new Appended(distinct, batch.accepted().size() - distinct);
  }

  private KafkaUnavailableException unavailable(Throwable cause) {
    String why = cause instanceof TimeoutException ? "no acknowledgement within " + EventTopic.ANSWER_WITHIN.toSeconds() + " s"
        : cause.toString();
    return new KafkaUnavailableException("Kafka (" + topic + ") did not take the events: " + why
        + "; nothing was acknowledged, send them again", cause);
  }

  @Override
  public void close() {
    closed = true;
    topicWaiter.interrupt();
    probe.close();
    producer.close(java.time.Duration.ofSeconds(10));
  }
}
