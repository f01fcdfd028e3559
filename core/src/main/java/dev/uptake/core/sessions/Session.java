package dev.uptake.core.sessions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One session: its events in order (at least one). Start is the first event's time, end the
 * last's; the session's user and account are those of its first event.
 *
 * <p>Immutable, and equal to another session with the same key and events. It also knows its
 * longest gap between two events, whether a collector measured its times and its last module, so
 * a batch that appends to a long live session learns them without going over the events it
 * already had ({@link #followedBy}).
 */
public final class Session {

  private final String sessionKey;
  private final List<SessionEvent> events;
  private final SessionEvent first;
  private final long startMillis;
  private final long endMillis;
  private final long longestGapMillis;
  private final boolean measured;
  private final String lastModule;

  public Session(String sessionKey, List<SessionEvent> events) {
    this(Objects.requireNonNull(sessionKey, "sessionKey"), Facts.of(List.copyOf(events)));
  }

  private Session(String sessionKey, Facts facts) {
    this.sessionKey = sessionKey;
    this.events = facts.events();
    this.first = events.get(0);
    this.startMillis = first.timeMillis();
    this.endMillis = events.get(events.size() - 1).timeMillis();
    this.longestGapMillis = facts.longestGapMillis();
    this.measured = facts.measured();
    this.lastModule = facts.lastModule();
  }

  /** Events and what a session keeps of them besides their ends. */
  private record Facts(List<SessionEvent> events, long longestGapMillis, boolean measured, String lastModule) {
    static Facts of(List<SessionEvent> events) {
      if (events.isEmpty()) {
        throw new IllegalArgumentException("a session has at least one event");
      }
      long gap = 0;
      boolean measured = false;
      String module = null;
      for (int i = 0; i < events.size(); i++) {
        SessionEvent event = events.get(i);
        measured |= event.timeSpentMillis() != null || event.activeDurationMillis() != null;
        module = event.module() != null ? event.module() : module;
        if (i > 0) {
          gap = Math.max(gap, event.timeMillis() - events.get(i - 1).timeMillis());
        }
      }
      return new Facts(events, gap, measured, module);
    }
  }

  /**
   * This session's events and then {@code later}'s, which all come after them, as one session of
   * this key: its gaps, measured times and last module come from the two without another pass
   * over either.
   */
  Session followedBy(Session later) {
    List<SessionEvent> joined = new ArrayList<>(events.size() + later.events.size());
    joined.addAll(events);
    joined.addAll(later.events);
    long gap = Math.max(Math.max(longestGapMillis, later.longestGapMillis), later.startMillis() - endMillis());
    return new Session(sessionKey, new Facts(Collections.unmodifiableList(joined), gap, measured || later.measured,
        later.lastModule != null ? later.lastModule : lastModule));
  }

  public String sessionKey() {
    return sessionKey;
  }

  /** Its events in {@link SessionEvent#ORDER}; unmodifiable. */
  public List<SessionEvent> events() {
    return events;
  }

  public long startMillis() {
    return startMillis;
  }

  public long endMillis() {
    return endMillis;
  }

  public long durationMillis() {
    return endMillis() - startMillis();
  }

  public SessionEvent first() {
    return first;
  }

  /** The longest time between two of its events one after the other; 0 for one event. */
  public long longestGapMillis() {
    return longestGapMillis;
  }

  /**
   * Whether a collector reported measured times ({@code time_spent}, {@code active_duration}) for
   * any of its events: then they replace the estimate of its time.
   */
  public boolean measured() {
    return measured;
  }

  /** The module its latest event that named one named; null when none did. */
  public String lastModule() {
    return lastModule;
  }

  /** Open while no more than the timeout has passed since its last event. */
  public boolean open(long nowMillis, long timeoutMillis) {
    return nowMillis - endMillis() <= timeoutMillis;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Session session && sessionKey.equals(session.sessionKey) && events.equals(session.events);
  }

  @Override
  public int hashCode() {
    return 31 * sessionKey.hashCode() + events.hashCode();
  }

  @Override
  public String toString() {
    return "Session[sessionKey=" + sessionKey + ", events=" + events + "]";
  }
}
