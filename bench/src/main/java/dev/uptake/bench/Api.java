package dev.uptake.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few reads the suite makes of a server: stats, usage, metrics. */
final class Api {

  static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String adminToken;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Api(URI base, String adminToken) {
    this.base = base;
    this.adminToken = adminToken;
  }

  /** The status of {@code GET path}, its body read and dropped. */
  int status(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + adminToken).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + adminToken).GET().build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** Waits until the workspace's processed count reaches its accepted count; returns the stats. */
  JsonNode awaitProcessed(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode stats = get("/api/v1/stats");
      if (stats.get("processed").asLong() >= stats.get("accepted").asLong() || System.nanoTime() > deadline) {
        return stats;
      }
      Thread.sleep(50);
    }
  }

  /** Heap in use now, in MiB, from the server's /metrics. */
  double heapMib() throws IOException, InterruptedException {
    return metric("jvm_memory_used_bytes{area=\"heap\"") / (1024 * 1024);
  }

  /** The sum of every sample of a metric whose line starts with {@code prefix}, from /metrics. */
  double metric(String prefix) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(base.resolve("/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
    double sum = 0;
    for (String line : response.body().split("\n")) {
      if (line.startsWith(prefix)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
