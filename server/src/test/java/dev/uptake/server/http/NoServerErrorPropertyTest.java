package dev.uptake.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever a sender sends (random bytes, random JSON, valid events with random damage, any
 * framing, encoding and credentials) the answer is never a 5xx. Seeded: a failure names its seed
 * and replays exactly.
 */
class NoServerErrorPropertyTest {

  static final int REQUESTS_PER_SEED = 80;
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final String[] PATHS = {
    "/v1/batch", "/v1/import/", "/v1/track", "/v1/identify", "/v1/group", "/v1/page", "/v1/screen",
    "/v1/alias", "/v1/t", "/v1/i", "/v1/p", "/v1/s", "/v1/g", "/v1/a", "/v1/b", "NATIVE", "/v1/x/y",
    "/v1/us_auth_x/us_api_y", "/v1/eu_auth_x/eu_api_y"
  };

  @TempDir static Path dir;
  static TestServer server;
  static TestServer.Keys keys;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir);
    keys = server.createWorkspace("Fuzz");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89})
  void noRequestGetsAServerError(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < REQUESTS_PER_SEED; i++) {
      String path = path(random);
      byte[] body = body(random);
      List<String> headers = new ArrayList<>(credentials(random));
      if (random.nextInt(5) == 0) {
        headers.add("Content-Encoding");
        headers.add("gzip");
        body = random.nextBoolean() ? gzip(body) : body;
      }
      headers.add("Content-Type");
      headers.add(random.nextBoolean() ? "application/json" : "text/plain");
      HttpResponse<String> response = server.post(path, body, headers.toArray(String[]::new));
      assertThat(response.statusCode())
          .as("seed %d, request %d: POST %s -> %s", seed, i, path, response.body())
          .isLessThan(500);
    }
  }

  static String path(Random random) {
    String path = PATHS[random.nextInt(PATHS.length)];
    path = path.equals("NATIVE") ? "/v1/" + keys.authKey() + "/" + keys.apiKey() : path;
    return random.nextInt(4) == 0 ? path + "/" : path;
  }

  static List<String> credentials(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> List.of();
      case 1 -> List.of("Authorization", keys.basicWriteKey());
      case 2 -> List.of("Authorization", TestServer.basic(keys.apiKey(), keys.authKey()));
      case 3 -> List.of("Authorization", random.nextBoolean() ? "Basic " + randomAscii(random, 12) : TestServer.basic(randomText(random, 8), ""));
      default -> List.of("Authorization", random.nextBoolean() ? "Bearer x" : TestServer.basic("eu_wk_1", ""));
    };
  }

  static byte[] body(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> randomBytes(random);
      case 1 -> randomJson(random, 0).toString().getBytes(StandardCharsets.UTF_8);
      case 2 -> damaged(random).toString().getBytes(StandardCharsets.UTF_8);
      case 3 -> batch(random).getBytes(StandardCharsets.UTF_8);
      case 4 -> ndjson(random).getBytes(StandardCharsets.UTF_8);
      default -> truncated(random);
    };
  }

  static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(400)];
    random.nextBytes(bytes);
    return bytes;
  }

  static JsonNode randomJson(Random random, int depth) {
    int kind = depth > 4 ? random.nextInt(5) : random.nextInt(7);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> random.nextBoolean() ? NODES.numberNode(random.nextLong()) : NODES.numberNode(random.nextDouble() * 1e300);
      case 3 -> NODES.textNode(randomText(random, random.nextInt(30)));
      case 4 -> NODES.textNode(Instant.ofEpochSecond(random.nextInt()).toString());
      case 5 -> {
        ArrayNode array = NODES.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(randomJson(random, depth + 1));
        }
        yield array;
      }
      default -> {
        ObjectNode object = NODES.objectNode();
        String[] names = {"type", "userId", "anonymousId", "groupId", "event", "messageId", "originalTimestamp",
          "timestamp", "properties", "context", "batch", "writeKey", "created_at", "account_id", "user_id", "feature"};
        for (int i = random.nextInt(6); i > 0; i--) {
          object.set(names[random.nextInt(names.length)], randomJson(random, depth + 1));
        }
        yield object;
      }
    };
  }

  /** A valid event with one field replaced by random JSON or removed. */
  static ObjectNode damaged(Random random) {
    ObjectNode event = Events.track("Export").at(Instant.now().toString()).module("Reports").node();
    List<String> fields = new ArrayList<>();
    event.fieldNames().forEachRemaining(fields::add);
    String field = fields.get(random.nextInt(fields.size()));
    if (random.nextBoolean()) {
      event.remove(field);
    } else {
      event.set(field, randomJson(random, 3));
    }
    if (random.nextInt(3) == 0) {
      event.put("writeKey", keys.writeKey());
    }
    return event;
  }

  static String batch(Random random) {
    ArrayNode items = NODES.arrayNode();
    for (int i = random.nextInt(5); i >= 0; i--) {
      items.add(random.nextBoolean() ? damaged(random) : randomJson(random, 2));
    }
    return random.nextBoolean() ? "{\"batch\":" + items + "}" : items.toString();
  }

  static String ndjson(Random random) {
    StringBuilder body = new StringBuilder();
    for (int i = random.nextInt(5); i >= 0; i--) {
      body.append(random.nextInt(4) == 0 ? randomText(random, 20) : damaged(random).toString());
      body.append(random.nextBoolean() ? "\n" : "\r\n");
    }
    return body.toString();
  }

  static byte[] truncated(Random random) {
    byte[] whole = batch(random).getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.copyOf(whole, random.nextInt(whole.length + 1));
  }

  /** Printable ASCII, as HTTP header values must be. */
  static String randomAscii(Random random, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append((char) (33 + random.nextInt(94)));
    }
    return text.toString();
  }

  static String randomText(Random random, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append((char) (random.nextInt(4) == 0 ? random.nextInt(0x3000) : 32 + random.nextInt(95)));
    }
    return text.toString();
  }

  static byte[] gzip(byte[] body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }
}
