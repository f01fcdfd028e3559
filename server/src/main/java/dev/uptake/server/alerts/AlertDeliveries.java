package dev.uptake.server.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.store.Alerts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers fired alerts: a webhook gets the alert's JSON signed with its secret ({@code
 * X-Uptake-Signature: sha256=<hex HMAC-SHA256>}), Slack a readable line. A delivery that fails
 * (not 2xx, no answer in {@link #TIMEOUT}) is tried again after 10 s, 20 s, 40 s … (at most an hour
 * apart) until {@link #GIVE_UP_AFTER} after the alert fired, then marked failed. Deliveries live in
 * the store, so a restart picks them up where they were; a node claims one before each attempt, so
 * several nodes never send it at once.
 */
public final class AlertDeliveries implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final Duration FIRST_RETRY = Duration.ofSeconds(10);
  static final Duration LONGEST_WAIT = Duration.ofHours(1);
  static final Duration GIVE_UP_AFTER = Duration.ofHours(24);
  private static final Logger LOG = LoggerFactory.getLogger(AlertDeliveries.class);

  private final Alerts alerts;
  private final ObjectMapper json;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread delivery = new Thread(runnable, "uptake-alert-delivery");
    delivery.setDaemon(true);
    return delivery;
  });

  public AlertDeliveries(Alerts alerts, ObjectMapper json, Clock clock) {
    this.alerts = alerts;
    this.json = json;
    this.clock = clock;
  }

  public AlertDeliveries start() {
    thread.scheduleWithFixedDelay(this::deliverDue, 1, 1, TimeUnit.SECONDS);
    return this;
  }

  private void deliverDue() {
    try {
      for (Alerts.Delivery delivery : alerts.due(clock.instant(), 20)) {
        if (thread.isShutdown()) {
          return;
        }
        if (alerts.claim(delivery, clock.instant().plus(TIMEOUT.multipliedBy(6)))) {
          attempt(delivery);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("delivering alerts failed; it tries again", e);
    }
  }

  private void attempt(Alerts.Delivery delivery) {
    Optional<Alerts.Alert> alert = alerts.alert(delivery.alertId());
    if (alert.isEmpty()) {
      return;
    }
    JsonNode target = read(delivery.target());
    Instant started = clock.instant();
    long startedNanos = System.nanoTime();
    ObjectNode attempt = json.createObjectNode().put("at", started.toString());
    boolean delivered;
    try {
      HttpResponse<String> response = http.send(request(target, alert.get()), HttpResponse.BodyHandlers.ofString());
      attempt.put("status", response.statusCode());
      delivered = response.statusCode() / 100 == 2;
      if (!delivered) {
        attempt.put("error", "the receiver answered " + response.statusCode());
      }
    } catch (IOException e) {
      attempt.putNull("status").put("error", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      delivered = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // closing: the claim runs out and the attempt is made again
    }
    attempt.put("millis", (System.nanoTime() - startedNanos) / 1_000_000);
    ArrayNode attempts = (ArrayNode) read(delivery.attempts());
    attempts.add(attempt);
    Instant now = clock.instant();
    Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(20, attempts.size() - 1));
    wait = wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    String status = delivered ? "delivered"
        : now.isBefore(alert.get().firedAt().plus(GIVE_UP_AFTER)) ? "pending" : "failed";
    alerts.attempted(delivery, status, attempts.toString(), status.equals("pending") ? now.plus(wait) : now);
  }

  private HttpRequest request(JsonNode target, Alerts.Alert alert) {
    String body = target.path("type").asText().equals(AlertRule.Destination.SLACK)
        ? AlertMessages.slack(read(alert.body()), target.path("appUrl").isTextual() ? target.path("appUrl").asText() : null, json)
        : alert.body();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.path("url").asText()))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("User-Agent", "Uptake-Alerts/1")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (target.path("secret").isTextual()) {
      request.header("X-Uptake-Signature", "sha256=" + hmac(target.path("secret").asText(), body));
    }
    return request.build();
  }

  /** The hex HMAC-SHA256 of {@code body} with {@code secret}: what a receiver computes to check the signature. */
  static String hmac(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  private JsonNode read(String text) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("alerts and deliveries are stored as JSON", e);
    }
  }

  /** Lets an attempt under way finish and be recorded (at most {@link #TIMEOUT}), then stops. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
