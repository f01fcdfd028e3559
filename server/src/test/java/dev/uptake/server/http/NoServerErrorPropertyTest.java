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
 * Whatever a sender sends (random bytes, random JSON, valid events with random damage, times at
 * the edges of what Java can represent, numbers that are not finite, any framing, encoding and
 * credentials) and whatever a client asks the query routes (extreme days, broken percent-escapes),
 * the answer is never a 5xx, and processing keeps up afterwards: nothing set aside, everything
 * accepted processed, the server ready. Seeded: a failure names its seed and replays exactly.
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

  /** Event times Java parses but no product usage has: each once made processing or a commit fail. */
  static final String[] EDGE_TIMES = {
    "-292275055-05-16T16:47:04.192Z", "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59.999999999Z",
    "0000-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z"
  };
  /** Raw JSON numbers (and texts) that are not finite doubles. */
  static final String[] EDGE_NUMBERS = {"1e999999999", "-1e999999999", "1e-999999999", "\"1e999999999\"", "\"NaN\"",
    "\"Infinity\"", "9223372036854775808", "-9223372036854775808", "1.7976931348623157E309"};
  static final String[] QUERY_ROUTES = {
    "/api/v1/events", "/api/v1/accounts", "/api/v1/accounts/acme", "/api/v1/accounts/acme/usage",
    "/api/v1/accounts/acme/sessions", "/api/v1/accounts/acme/modules", "/api/v1/accounts/acme/features",
    "/api/v1/accounts/acme/users", "/api/v1/users/u1", "/api/v1/users/u1/usage", "/api/v1/users/u1/sessions",
    "/api/v1/debugger", "/api/v1/stats", "/api/v1/settings", "/accounts", "/accounts/acme", "/users/u1", "/debugger"
  };
  static final String[] QUERY_NAMES = {"from", "to", "q", "limit", "cursor", "sort", "order", "status", "type",
    "userId", "accountId", "inactiveDays", "tier", "dimension.seats>", "dimension.renewal<", "format"};
  static final String[] QUERY_VALUES = {"%", "%zz", "%E", "%2B999999999-12-31", "-999999999-01-01", "0001-01-01",
    "9999-12-31", "1e999999999", "-1", "2147483648", "%00", "NaN", "", "2024-05-01T10:00:00Z", "csv", "%C3%28"};

  @BeforeAll
  static void start() {
    server = TestServer.start(dir);
    keys = server.createWorkspace("Fuzz");
    HttpResponse<String> settings = server.put("/api/v1/settings",
        "{\"dimensions\":[{\"name\":\"seats\",\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"},"
            + "{\"name\":\"renewal\",\"type\":\"date\",\"source\":\"group\",\"trait\":\"renewal\"}]}",
        "Authorization", keys.bearer());
    assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    if (server != null) { // null when a missing PostgreSQL skipped the start
      server.close();
    }
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
    assertProcessingKeepsUp(seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 5, 8})
  void noQueryGetsAServerError(long seed) throws IOException {
    Random random = new Random(seed);
    for (int i = 0; i < REQUESTS_PER_SEED; i++) {
      StringBuilder target = new StringBuilder(QUERY_ROUTES[random.nextInt(QUERY_ROUTES.length)]);
      for (int n = random.nextInt(4); n >= 0; n--) {
        String name = QUERY_NAMES[random.nextInt(QUERY_NAMES.length)];
        boolean comparison = name.endsWith(">") || name.endsWith("<");
        target.append(target.indexOf("?") < 0 ? '?' : '&').append(name).append(comparison ? "" : "=")
            .append(QUERY_VALUES[random.nextInt(QUERY_VALUES.length)]);
      }
      String answer = RawHttp.exchange(server.port(), List.of("GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
          + keys.bearer() + "\r\nConnection: close\r\n\r\n")).get(0);
      assertThat(RawHttp.status(answer)).as("seed %d, request %d: GET %s -> %s", seed, i, target, answer).isLessThan(500);
    }
    assertProcessingKeepsUp(seed);
  }

  /** A valid event sent after the hostile ones is processed, nothing was set aside, and the server is ready. */
  static void assertProcessingKeepsUp(long seed) {
    String marker = "after-seed-" + seed + "-" + System.nanoTime();
    HttpResponse<String> sent = server.post("/v1/track", Events.track("Export").at(Instant.now().toString())
        .messageId(marker).json(), "Authorization", keys.basicWriteKey());
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
    server.awaitProcessed(keys);
    assertThat(server.stats(keys).get("failed").asInt()).as("seed %d: events set aside", seed).isZero();
    HttpResponse<String> ready = server.get("/health/ready");
    assertThat(ready.statusCode()).as("seed %d: %s", seed, ready.body()).isEqualTo(200);
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
      case 4 -> NODES.textNode(random.nextBoolean() ? Instant.ofEpochSecond(random.nextInt()).toString()
          : EDGE_TIMES[random.nextInt(EDGE_TIMES.length)]);
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

  /** A valid event (a track or a group call) with one field replaced by random JSON or removed. */
  static ObjectNode damaged(Random random) {
    ObjectNode event = random.nextInt(3) == 0
        ? Events.group("acme").at(Instant.now().toString())
            .set("traits", java.util.Map.of("name", "Acme", "createdAt", "2024-01-01T00:00:00Z", "seats", 5,
                "renewal", "2025-01-01")).node()
        : Events.track("Export").at(Instant.now().toString()).module("Reports").node();
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

  /** An event whose time or a number in it sits at an edge, written as raw JSON (some are not valid doubles). */
  static String edged(Random random) {
    String time = EDGE_TIMES[random.nextInt(EDGE_TIMES.length)];
    String number = EDGE_NUMBERS[random.nextInt(EDGE_NUMBERS.length)];
    return switch (random.nextInt(4)) {
      case 0 -> Events.track("Export").at(random.nextBoolean() ? time : Instant.now().toString()).json();
      case 1 -> "{\"type\":\"group\",\"userId\":\"u1\",\"groupId\":\"acme\",\"originalTimestamp\":\""
          + Instant.now() + "\",\"traits\":{\"name\":\"Acme\",\"seats\":" + number + ",\"employees\":" + number + "}}";
      case 2 -> "{\"user_id\":\"u1\",\"account_id\":\"acme\",\"feature\":\"F\",\"created_at\":" + number
          + ",\"time_spent\":" + number + "}";
      default -> "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u1\",\"timestamp\":\"" + time
          + "\",\"properties\":{\"total\":" + number + "}}";
    };
  }

  static String batch(Random random) {
    ArrayNode items = NODES.arrayNode();
    for (int i = random.nextInt(5); i >= 0; i--) {
      items.add(random.nextBoolean() ? damaged(random) : randomJson(random, 2));
    }
    String array = items.toString();
    if (random.nextBoolean()) {
      array = "[" + edged(random) + (items.isEmpty() ? "" : "," + array.substring(1, array.length() - 1)) + "]";
    }
    return random.nextBoolean() ? "{\"batch\":" + array + "}" : array;
  }

  static String ndjson(Random random) {
    StringBuilder body = new StringBuilder();
    for (int i = random.nextInt(5); i >= 0; i--) {
      int kind = random.nextInt(5);
      body.append(kind == 0 ? randomText(random, 20) : kind == 1 ? edged(random) : damaged(random).toString());
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
