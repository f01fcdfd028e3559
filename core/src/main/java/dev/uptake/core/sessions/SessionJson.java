package dev.uptake.core.sessions;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A session's events as the compact JSON a store keeps in pieces (one per batch that grew the
 * session, see {@link SessionMerge.Growth}): one array per event,
 * {@code [time, messageId, userId, accountKey, module, feature, timeSpent, activeDuration]}, and
 * {@code uses} last when an event counts more than one use (pieces written before it had none).
 * Thread-safe.
 */
public final class SessionJson {

  private final ObjectMapper json;
  /** Read sessions stay in the processor's cache: their events share one copy of each repeated name. */
  private final StringPool strings = new StringPool();

  public SessionJson(ObjectMapper json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  /** Session events as one stored piece (Jackson's streaming generator: this is the hot path). */
  public String write(Collection<SessionEvent> events) {
    StringWriter out = new StringWriter(events.size() * 96);
    try (JsonGenerator generator = json.getFactory().createGenerator(out)) {
      generator.writeStartArray();
      for (SessionEvent event : events) {
        generator.writeStartArray();
        generator.writeNumber(event.timeMillis());
        generator.writeString(event.messageId());
        generator.writeString(event.userId());
        generator.writeString(event.accountKey());
        generator.writeString(event.module());
        generator.writeString(event.feature());
        writeLongOrNull(generator, event.timeSpentMillis());
        writeLongOrNull(generator, event.activeDurationMillis());
        if (event.uses() != 1) {
          generator.writeNumber(event.uses());
        }
        generator.writeEndArray();
      }
      generator.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail", e);
    }
    return out.toString();
  }

  /** A stored piece's events, added to {@code events}. */
  private void read(String text, List<SessionEvent> events) {
    try (JsonParser parser = json.getFactory().createParser(text)) {
      expect(parser.nextToken(), JsonToken.START_ARRAY);
      while (parser.nextToken() == JsonToken.START_ARRAY) {
        long time = parser.nextLongValue(0);
        String messageId = parser.nextTextValue();
        String userId = strings.of(parser.nextTextValue());
        String accountKey = strings.of(parser.nextTextValue());
        String module = strings.of(parser.nextTextValue());
        String feature = strings.of(parser.nextTextValue());
        Long timeSpent = nextLongOrNull(parser);
        Long activeDuration = nextLongOrNull(parser);
        int uses = 1;
        JsonToken next = parser.nextToken();
        if (next == JsonToken.VALUE_NUMBER_INT) {
          uses = parser.getIntValue();
          next = parser.nextToken();
        }
        expect(next, JsonToken.END_ARRAY);
        events.add(new SessionEvent(time, messageId, userId, accountKey, module, feature, timeSpent, activeDuration, uses));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("stored sessions are JSON written by SessionJson", e);
    }
  }

  /** A session from all its stored pieces, in any order. */
  public Session session(String sessionKey, List<String> pieces) {
    List<SessionEvent> events = new ArrayList<>();
    pieces.forEach(piece -> read(piece, events));
    events.sort(SessionEvent.ORDER);
    return new Session(sessionKey, events);
  }

  private static void writeLongOrNull(JsonGenerator generator, Long value) throws IOException {
    if (value == null) {
      generator.writeNull();
    } else {
      generator.writeNumber(value);
    }
  }

  private static Long nextLongOrNull(JsonParser parser) throws IOException {
    return parser.nextToken() == JsonToken.VALUE_NULL ? null : parser.getLongValue();
  }

  private static void expect(JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw new IllegalStateException("expected " + expected + ", found " + actual);
    }
  }
}
