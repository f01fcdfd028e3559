package dev.uptake.core.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.event.Event;

/**
 * Reads the measured times a native collector that watches idleness reports: {@code moduleEnd}
 * with {@code properties.time_spent} (milliseconds in the module) and {@code sessionSync} with
 * {@code properties.active_duration} (milliseconds active in the session so far). Other events,
 * and values that are not non-negative numbers, measure nothing.
 */
public final class MeasuredTimes {

  static final String MODULE_END = "moduleEnd";
  static final String SESSION_SYNC = "sessionSync";

  private MeasuredTimes() {}

  public static SessionEvent.Measured read(Event event, ObjectMapper json) {
    String name = event.name();
    if (!MODULE_END.equals(name) && !SESSION_SYNC.equals(name)) {
      return SessionEvent.Measured.NONE;
    }
    JsonNode properties;
    try {
      properties = json.readTree(event.payload()).path("properties");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored payloads are JSON written by ingest", e);
    }
    return MODULE_END.equals(name)
        ? new SessionEvent.Measured(millis(properties.get("time_spent")), null)
        : new SessionEvent.Measured(null, millis(properties.get("active_duration")));
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
