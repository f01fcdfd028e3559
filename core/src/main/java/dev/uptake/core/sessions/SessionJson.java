package dev.uptake.core.sessions;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A session's events as the compact JSON a store keeps with the session: one array per event,
 * {@code [time, messageId, userId, accountKey, module, feature, timeSpent, activeDuration]}.
 * Thread-safe.
 */
public final class SessionJson {

  private final ObjectMapper json;

  public SessionJson(ObjectMapper json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  /** Written with Jackson's streaming generator: sessions are rewritten on every batch that grows them. */
  public String write(Session session) {
    StringWriter out = new StringWriter(session.events().size() * 96);
    try (JsonGenerator generator = json.getFactory().createGenerator(out)) {
      generator.writeStartArray();
      for (SessionEvent event : session.events()) {
        generator.writeStartArray();
        generator.writeNumber(event.timeMillis());
        generator.writeString(event.messageId());
        generator.writeString(event.userId());
        generator.writeString(event.accountKey());
        generator.writeString(event.module());
        generator.writeString(event.feature());
        writeLongOrNull(generator, event.timeSpentMillis());
        writeLongOrNull(generator, event.activeDurationMillis());
        generator.writeEndArray();
      }
      generator.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail", e);
    }
    return out.toString();
  }

  public Session read(String sessionKey, String text) {
    List<SessionEvent> events = new ArrayList<>();
    try (JsonParser parser = json.getFactory().createParser(text)) {
      expect(parser.nextToken(), JsonToken.START_ARRAY);
      while (parser.nextToken() == JsonToken.START_ARRAY) {
        long time = parser.nextLongValue(0);
        String messageId = parser.nextTextValue();
        String userId = parser.nextTextValue();
        String accountKey = parser.nextTextValue();
        String module = parser.nextTextValue();
        String feature = parser.nextTextValue();
        Long timeSpent = nextLongOrNull(parser);
        Long activeDuration = nextLongOrNull(parser);
        expect(parser.nextToken(), JsonToken.END_ARRAY);
        events.add(new SessionEvent(time, messageId, userId, accountKey, module, feature, timeSpent, activeDuration));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("stored sessions are JSON written by SessionJson", e);
    }
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
