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
 * longest gap between two events and whether a collector measured its times, so a batch that
 * appends to a long live session checks both without going over the events it already had
 * ({@link #followedBy}).
 */
public final class Session {

  private final String sessionKey;
  private final List<SessionEvent> events;
  private final long longestGapMillis;
  private final boolean measured;

  public Session(String sessionKey, List<SessionEvent> events) {
    this.sessionKey = Objects.requireNonNull(sessionKey, "sessionKey");
    this.events = List.copyOf(events);
    if (this.events.isEmpty()) {
      throw new IllegalArgumentException("a session has at least one event");
    }
    long gap = 0;
    boolean anyMeasured = false;
    for (int i = 0; i < this.events.size(); i++) {
      SessionEvent event = this.events.get(i);
      anyMeasured |= isMeasured(event);
      if (i > 0) {
        gap = Math.max(gap, event.timeMillis() - this.events.get(i - 1).timeMillis());
      }
    }
    this.longestGapMillis = gap;
    this.measured = anyMeasured;
  }

  private Session(String sessionKey, List<SessionEvent> events, long longestGapMillis, boolean measured) {
    this.sessionKey = sessionKey;
    this.events = events;
    this.longestGapMillis = longestGapMillis;
    this.measured = measured;
  }

  /**
   * This session's events and then {@code later}'s, which all come after them, as one session of
   * this key: its gaps and measured times come from the two without another pass over either.
   */
  Session followedBy(Session later) {
    List<SessionEvent> joined = new ArrayList<>(events.size() + later.events.size());
    joined.addAll(events);
    joined.addAll(later.events);
    long gap = Math.max(Math.max(longestGapMillis, later.longestGapMillis), later.startMillis() - endMillis());
    return new Session(sessionKey, Collections.unmodifiableList(joined), gap, measured || later.measured);
  }

  private static boolean isMeasured(SessionEvent event) {
    return event.timeSpentMillis() != null || event.activeDurationMillis() != null;
  }

  public String sessionKey() {
    return sessionKey;
  }

  /** Its events in {@link SessionEvent#ORDER}; unmodifiable. */
  public List<SessionEvent> events() {
    return events;
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
