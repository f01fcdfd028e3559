package dev.uptake.core.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a request body in any framing a sender uses: one event object, Segment's batch object, a
 * JSON array, or newline-delimited JSON ({@code \n} or {@code \r\n}). A malformed line of
 * newline-delimited JSON becomes an {@link Body.Unparsable} item so the other lines are kept; any
 * other malformed body is {@link Body.Malformed} with the line and column of the error.
 *
 * <p>Thread-safe.
 */
public final class BodyParser {

  private static final int RAW_LINE_CHARS = 2048;

  private final ObjectReader reader;

  public BodyParser(ObjectMapper json) {
    this.reader =
        json.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  public Body parse(byte[] body) {
    List<JsonNode> values;
    try {
      values = readValues(body);
    } catch (JsonProcessingException e) {
      List<NdjsonLines.Line> split = NdjsonLines.split(body);
      Body lines = split.size() > 1 ? lineByLine(body, split) : null;
      return lines != null ? lines : malformed(e);
    } catch (IOException e) {
      return new Body.Malformed("the body could not be read: " + e.getMessage(), 1, 1);
    }
    if (values.isEmpty()) {
      return new Body.Malformed("the body is empty; send a JSON object, array or NDJSON", 1, 1);
    }
    if (values.size() > 1) {
      return new Body.Parsed(Body.Shape.NDJSON, asItems(values), firstWriteKey(values));
    }
    return framed(values.get(0));
  }

  private List<JsonNode> readValues(byte[] body) throws IOException {
    if (firstByte(body) == '[') {
      // A root-level array is one value; MappingIterator would iterate its elements instead.
      JsonNode root = reader.readValue(body);
      return List.of(root);
    }
    List<JsonNode> values = new ArrayList<>();
    try (MappingIterator<JsonNode> iterator = reader.readValues(body)) {
      while (iterator.hasNextValue()) {
        values.add(iterator.nextValue());
      }
    } catch (RuntimeException e) {
      // MappingIterator wraps parse errors in unchecked exceptions; unwrap to the located cause.
      if (e.getCause() instanceof JsonProcessingException located) {
        throw located;
      }
      throw e;
    }
    return values;
  }

  /** The first byte that is not white space or a UTF-8 byte order mark, or -1. */
  private static int firstByte(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n' && (b & 0xFF) != 0xEF && (b & 0xFF) != 0xBB
          && (b & 0xFF) != 0xBF) {
        return b;
      }
    }
    return -1;
  }

  private Body framed(JsonNode root) {
    if (root.isArray()) {
      List<JsonNode> elements = new ArrayList<>();
      root.forEach(elements::add);
      return new Body.Parsed(Body.Shape.ARRAY, asItems(elements), firstWriteKey(elements));
    }
    if (!(root instanceof ObjectNode object)) {
      return new Body.Malformed(
          "the body must be a JSON object, a JSON array or newline-delimited JSON objects; was "
              + JsonFields.describe(root),
          1,
          1);
    }
    if (!object.has("batch")) {
      return new Body.Parsed(Body.Shape.SINGLE, asItems(List.of(object)), textOrNull(object));
    }
    JsonNode batch = object.get("batch");
    if (!batch.isArray()) {
      return new Body.Malformed("batch must be an array of events; was " + JsonFields.describe(batch), 1, 1);
    }
    List<JsonNode> events = new ArrayList<>();
    batch.forEach(events::add);
    for (JsonNode event : events) {
      mergeEnvelope(object, event, "context");
      mergeEnvelope(object, event, "integrations");
    }
    String writeKey = textOrNull(object);
    return new Body.Parsed(
        Body.Shape.BATCH, asItems(events), writeKey != null ? writeKey : firstWriteKey(events));
  }

  /** Batch-level {@code context}/{@code integrations} fill what the event does not set itself. */
  private static void mergeEnvelope(ObjectNode envelope, JsonNode event, String name) {
    JsonNode shared = envelope.get(name);
    if (!(shared instanceof ObjectNode sharedFields) || !(event instanceof ObjectNode target)) {
      return;
    }
    JsonNode own = target.get(name);
    if (own == null || own.isNull()) {
      target.set(name, sharedFields.deepCopy());
    } else if (own instanceof ObjectNode ownFields) {
      for (Map.Entry<String, JsonNode> field : sharedFields.properties()) {
        if (!ownFields.has(field.getKey())) {
          ownFields.set(field.getKey(), field.getValue().deepCopy());
        }
      }
    }
  }

  /** The body as NDJSON, or null when no line is a JSON object (then it was not NDJSON). */
  private Body lineByLine(byte[] body, List<NdjsonLines.Line> lines) {
    List<Body.Item> items = new ArrayList<>();
    String writeKey = null;
    boolean anObject = false;
    for (NdjsonLines.Line line : lines) {
      try {
        JsonNode value = reader.readValue(body, line.offset(), line.length());
        items.add(new Body.Value(value));
        anObject |= value.isObject();
        writeKey = writeKey != null ? writeKey : textOrNull(value);
      } catch (JsonProcessingException e) {
        items.add(unparsable(body, line, e));
      } catch (IOException e) {
        // Jackson guesses each line's encoding from its first bytes; one that looks like UTF-32 fails so.
        items.add(unparsable(body, line, "line " + line.number() + " is not UTF-8 JSON: " + e.getMessage()));
      }
    }
    return anObject ? new Body.Parsed(Body.Shape.NDJSON, items, writeKey) : null;
  }

  /** Jackson's message without its note on where the source was (always "REDACTED" here). */
  private static String message(JsonProcessingException e) {
    return e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
  }

  private static Body.Unparsable unparsable(byte[] body, NdjsonLines.Line line, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    int column = at == null ? 1 : Math.max(1, at.getColumnNr());
    return unparsable(body, line, "malformed JSON at line " + line.number() + ", column " + column + ": " + message(e));
  }

  private static Body.Unparsable unparsable(byte[] body, NdjsonLines.Line line, String reason) {
    String raw = new String(body, line.offset(), Math.min(line.length(), RAW_LINE_CHARS), StandardCharsets.UTF_8);
    return new Body.Unparsable(Rejection.invalid("body", reason), raw);
  }

  private static Body.Malformed malformed(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    int line = at == null ? 1 : Math.max(1, at.getLineNr());
    int column = at == null ? 1 : Math.max(1, at.getColumnNr());
    return new Body.Malformed(
        "malformed JSON at line " + line + ", column " + column + ": " + message(e),
        line,
        column);
  }

  private static List<Body.Item> asItems(List<JsonNode> values) {
    List<Body.Item> items = new ArrayList<>(values.size());
    for (JsonNode value : values) {
      items.add(new Body.Value(value));
    }
    return items;
  }

  private static String firstWriteKey(List<JsonNode> values) {
    for (JsonNode value : values) {
      String key = textOrNull(value);
      if (key != null) {
        return key;
      }
    }
    return null;
  }

  private static String textOrNull(JsonNode node) {
    JsonNode key = node.get("writeKey");
    return key != null && key.isTextual() ? key.textValue() : null;
  }
}
