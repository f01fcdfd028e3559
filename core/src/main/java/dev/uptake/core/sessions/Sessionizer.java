package dev.uptake.core.sessions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forms sessions from one session key's events: sorted by event time then messageId, a new
 * session wherever the gap to the previous event is longer than the timeout (a gap of exactly the
 * timeout continues the session). Repeated messageIds count once. Pure and thread-safe.
 */
public final class Sessionizer {

  private Sessionizer() {}

  public static List<Session> sessions(String sessionKey, Collection<SessionEvent> events, long timeoutMillis) {
    Map<String, SessionEvent> unique = new LinkedHashMap<>();
    for (SessionEvent event : events) {
      unique.putIfAbsent(event.messageId(), event);
    }
    List<SessionEvent> ordered = new ArrayList<>(unique.values());
    ordered.sort(SessionEvent.ORDER);
    List<Session> sessions = new ArrayList<>();
    List<SessionEvent> current = new ArrayList<>();
    for (SessionEvent event : ordered) {
      if (!current.isEmpty() && event.timeMillis() - current.get(current.size() - 1).timeMillis() > timeoutMillis) {
        sessions.add(new Session(sessionKey, current));
        current = new ArrayList<>();
      }
      current.add(event);
    }
    if (!current.isEmpty()) {
      sessions.add(new Session(sessionKey, current));
    }
    return sessions;
  }
}
