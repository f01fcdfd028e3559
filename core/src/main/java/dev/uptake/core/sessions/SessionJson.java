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
  /** Where the events read share their repeated names, or null when each keeps its own. */
  private final StringPool names;

  public SessionJson(ObjectMapper json) {
    this(json, null);
  }

  private SessionJson(ObjectMapper json, StringPool names) {
    this.json = Objects.requireNonNull(json, "json");
    this.names = names;
  }

  /**
   * For sessions that stay in memory (the processor's {@link SessionCache}): the events read share
   * one copy of each user id, account key, module and feature name ({@link StringPool}).
   */
  public static SessionJson sharingNames(ObjectMapper json) {
    return new SessionJson(json, new StringPool());
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
        String userId = name(parser.nextTextValue());
        String accountKey = name(parser.nextTextValue());
        String module = name(parser.nextTextValue());
        String feature = name(parser.nextTextValue());
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

  private String name(String text) {
    return names == null ? text : names.of(text);
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
