package dev.uptake.server.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Sends one batch to {@code POST /v1/batch} with the write key, as Segment's libraries do, and
 * tries again on what passes (no answer, a timeout, 429, 5xx) with exponential backoff: 0.5 s,
 * 1 s, 2 s … at most 30 s apart, or the server's {@code Retry-After}, {@link #ATTEMPTS} times.
 * A retried batch cannot count twice: every event carries its messageId.
 */
final class BatchSender {

  static final int ATTEMPTS = 12;
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration FIRST_WAIT = Duration.ofMillis(500);
  private static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

  /** What the server answered for a batch: the events it stored, those it had, those it refused (by index). */
  record Receipt(int accepted, int duplicates, List<Refused> refused) {}

  record Refused(int index, String reason) {}

  private final URI endpoint;
  private final String authorization;
  private final HttpClient http;
  private final ObjectMapper json;

  BatchSender(URI server, String writeKey, ObjectMapper json) {
    this.endpoint = server.resolve("/v1/batch");
    this.authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    this.json = json;
  }

  /**
   * @throws ImportFailedException when the server refuses the key or the batch for good, or still
   *     fails after every attempt
   */
  Receipt send(byte[] body) throws InterruptedException {
    String last = "";
    Duration wait = FIRST_WAIT;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      HttpResponse<String> response;
      try {
        response = http.send(HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
            .header("Content-Type", "application/json").header("Authorization", authorization)
            .header("User-Agent", "uptake-import/1")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        last = "no answer from " + endpoint + " (" + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        Thread.sleep(wait.toMillis());
        wait = longer(wait);
        continue;
      }
      int status = response.statusCode();
      if (status == 200) {
        return receipt(response.body());
      }
      if (status == 401 || status == 403) {
        throw new ImportFailedException("the server refused the write key (" + status + "): " + reason(response.body())
            + "; give the workspace's write key with --write-key");
      }
      if (status != 429 && status < 500) {
        throw new ImportFailedException("the server refused a batch (" + status + "): " + reason(response.body()));
      }
      last = "the server answered " + status + ": " + reason(response.body());
      Thread.sleep(retryAfter(response).orElse(wait).toMillis());
      wait = longer(wait);
    }
    throw new ImportFailedException("a batch failed " + ATTEMPTS + " times; the last time " + last
        + ". Run the import again: files already sent are skipped and nothing is counted twice");
  }

  private Receipt receipt(String body) {
    try {
      JsonNode answer = json.readTree(body);
      List<Refused> refused = new ArrayList<>();
      for (JsonNode item : answer.path("rejected")) {
        String field = item.path("field").asText("");
        refused.add(new Refused(item.path("index").asInt(), (field.isEmpty() ? "" : field + ": ") + item.path("reason").asText()));
      }
      return new Receipt(answer.path("accepted").asInt(), answer.path("duplicates").asInt(), refused);
    } catch (IOException e) {
      throw new ImportFailedException("the server's answer is not the HTTP Tracking API's: " + body);
    }
  }

  private String reason(String body) {
    try {
      JsonNode error = json.readTree(body);
      return error.path("reason").isTextual() ? error.path("reason").asText() : body;
    } catch (IOException e) {
      return body;
    }
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").flatMap(value -> {
      try {
        return Optional.of(Duration.ofSeconds(Math.min(60, Long.parseLong(value.strip()))));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  private static Duration longer(Duration wait) {
    Duration doubled = wait.multipliedBy(2);
    return doubled.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : doubled;
  }
}
