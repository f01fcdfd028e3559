package dev.uptake.core.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

  public String write(Session session) {
    ArrayNode events = json.createArrayNode();
    for (SessionEvent event : session.events()) {
      ArrayNode row = events.addArray();
      row.add(event.timeMillis()).add(event.messageId()).add(event.userId()).add(event.accountKey())
          .add(event.module()).add(event.feature());
      row.add(event.timeSpentMillis());
      row.add(event.activeDurationMillis());
    }
    return events.toString();
  }

  public Session read(String sessionKey, String text) {
    JsonNode rows;
    try {
      rows = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored sessions are JSON written by SessionJson", e);
    }
    List<SessionEvent> events = new ArrayList<>(rows.size());
    for (JsonNode row : rows) {
      events.add(new SessionEvent(
          row.get(0).longValue(), row.get(1).textValue(), row.get(2).textValue(), row.get(3).textValue(),
          row.get(4).textValue(), row.get(5).textValue(), longOrNull(row.get(6)), longOrNull(row.get(7))));
    }
    return new Session(sessionKey, events);
  }

  private static Long longOrNull(JsonNode node) {
    return node == null || node.isNull() ? null : node.longValue();
  }
}
