package dev.uptake.core.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.event.Event;
import dev.uptake.core.event.EventType;

/**
 * Reads the measured times a native collector that watches idleness reports: {@code moduleEnd}
 * with {@code properties.time_spent} (milliseconds in the module) and {@code sessionSync} with
 * {@code properties.active_duration} (milliseconds active in the session so far). Other events,
 * and values that are not non-negative numbers, measure nothing. A track call's top-level {@code
 * uses} (a native {@code feature} event's {@code total}) counts that many uses of its feature.
 */
public final class MeasuredTimes {

  static final String MODULE_END = Event.MODULE_END;
  static final String SESSION_SYNC = Event.SESSION_SYNC;

  private MeasuredTimes() {}

  public static SessionEvent.Measured read(Event event, ObjectMapper json) {
    String name = event.name();
    boolean measures = MODULE_END.equals(name) || SESSION_SYNC.equals(name);
    // Parsing every payload would cost processing dearly: only an event that may carry uses is read.
    boolean counts = event.type() == EventType.TRACK && event.payload().contains(USES_KEY);
    if (!measures && !counts) {
      return SessionEvent.Measured.NONE;
    }
    JsonNode payload;
    try {
      payload = json.readTree(event.payload());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored payloads are JSON written by ingest", e);
    }
    JsonNode properties = payload.path("properties");
    int uses = uses(payload.get(USES));
    return MODULE_END.equals(name) ? new SessionEvent.Measured(millis(properties.get("time_spent")), null, uses)
        : SESSION_SYNC.equals(name) ? new SessionEvent.Measured(null, millis(properties.get("active_duration")), uses)
        : new SessionEvent.Measured(null, null, uses);
  }

  /** A track call's own count of uses (what a native {@code feature} event's {@code total} becomes). */
  public static final String USES = "uses";
  private static final String USES_KEY = "\"" + USES + "\"";

  /** A whole number from 1; anything else counts one use. */
  private static int uses(JsonNode value) {
    return value != null && value.canConvertToInt() && value.isIntegralNumber() && value.intValue() >= 1 ? value.intValue() : 1;
  }

  private static Long millis(JsonNode value) {
    if (value == null || !value.isNumber() && !value.isTextual()) {
      return null;
    }
    try {
      long millis = value.isNumber() ? value.longValue() : Long.parseLong(value.textValue().strip());
      return millis >= 0 ? millis : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
