package dev.uptake.core.sessions;

import java.util.List;
import java.util.Objects;

/**
 * One session: its events in order (at least one). Start is the first event's time, end the
 * last's; the session's user and account are those of its first event.
 */
public record Session(String sessionKey, List<SessionEvent> events) {

  public Session {
    Objects.requireNonNull(sessionKey, "sessionKey");
    events = List.copyOf(events);
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a session has at least one event");
    }
  }

  public long startMillis() {
    return events.get(0).timeMillis();
  }

  public long endMillis() {
    return events.get(events.size() - 1).timeMillis();
  }

  public long durationMillis() {
    return endMillis() - startMillis();
  }

  public SessionEvent first() {
    return events.get(0);
  }

  /** Open while no more than the timeout has passed since its last event. */
  public boolean open(long nowMillis, long timeoutMillis) {
    return nowMillis - endMillis() <= timeoutMillis;
  }
}
