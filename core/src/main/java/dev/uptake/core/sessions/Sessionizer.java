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
    return cut(sessionKey, ordered(events), timeoutMillis);
  }

  /** Each messageId once (its first event), in {@link SessionEvent#ORDER}. */
  static List<SessionEvent> ordered(Collection<SessionEvent> events) {
    Map<String, SessionEvent> unique = new LinkedHashMap<>();
    for (SessionEvent event : events) {
      unique.putIfAbsent(event.messageId(), event);
    }
    List<SessionEvent> ordered = new ArrayList<>(unique.values());
    ordered.sort(SessionEvent.ORDER);
    return ordered;
  }

  /** Sessions of events already ordered and unique: a new one at every gap over the timeout. */
  static List<Session> cut(String sessionKey, List<SessionEvent> ordered, long timeoutMillis) {
    List<Session> sessions = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= ordered.size(); i++) {
      if (i == ordered.size() || ordered.get(i).timeMillis() - ordered.get(i - 1).timeMillis() > timeoutMillis) {
        sessions.add(new Session(sessionKey, ordered.subList(start, i)));
        start = i;
      }
    }
    return sessions;
  }
}
