package dev.uptake.bench;

import java.util.List;

/** The request shapes of the real senders. */
enum Shape {
  /** One event per request to {@code /v1/track}, as Segment's HTTP API and browser SDK send. */
  TRACK_1(1),
  /** 15-event {@code /v1/batch}, as the Node SDK sends (its default flushAt). */
  BATCH_15(15),
  /** 100-event NDJSON to the native endpoint {@code /v1/{authKey}/{apiKey}}. */
  NDJSON_100(100),
  /** 250-event {@code /v1/import/}, as the Java SDK sends, write key and context in the body. */
  IMPORT_250(250);

  final int events;

  Shape(int events) {
    this.events = events;
  }

  /** The path a request of this shape goes to; one-event requests go to their call's own path. */
  String path(Keys keys, String body) {
    return switch (this) {
      case TRACK_1 -> "/v1/" + body.substring(body.indexOf("\"type\":\"") + 8, body.indexOf('"', body.indexOf("\"type\":\"") + 8));
      case BATCH_15 -> "/v1/batch";
      case NDJSON_100 -> "/v1/" + keys.authKey() + "/" + keys.apiKey();
      case IMPORT_250 -> "/v1/import/";
    };
  }

  /** Whether the request carries Basic auth with the write key (else the keys are in path or body). */
  boolean basicAuth() {
    return this == TRACK_1 || this == BATCH_15;
  }

  String body(List<String> events, Keys keys) {
    return switch (this) {
      case TRACK_1 -> events.get(0);
      case BATCH_15 -> "{\"batch\":[" + String.join(",", events) + "]}";
      case NDJSON_100 -> String.join("\n", events) + "\n";
      case IMPORT_250 -> "{\"batch\":[" + String.join(",", events) + "],\"writeKey\":\"" + keys.writeKey()
          + "\",\"context\":{\"library\":{\"name\":\"analytics-java\",\"version\":\"3.5.4\"}}}";
    };
  }

  /** A workspace's keys as {@code uptake workspace create} prints them. */
  record Keys(String workspace, String apiKey, String authKey, String writeKey, String adminToken, String adminEmail,
      String adminPassword) {}
}
