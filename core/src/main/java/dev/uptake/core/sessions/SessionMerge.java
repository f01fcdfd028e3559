package dev.uptake.core.sessions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Incremental sessionizing: new events for one session key touch only the stored sessions within
 * the timeout of them. Those are re-formed together with the new events; every other session of
 * the key stays as it is, because the gaps around it were already longer than the timeout.
 */
public final class SessionMerge {

  /** The stored sessions to replace, and what replaces them. */
  public record Change(List<Session> removed, List<Session> added) {
    public Change {
      removed = List.copyOf(removed);
      added = List.copyOf(added);
    }
  }

  /** The span of stored sessions that arrivals can reach: fetch every session overlapping it. */
  public record Reach(long fromMillis, long toMillis) {}

  private SessionMerge() {}

  public static Reach reach(Collection<SessionEvent> arrivals, long timeoutMillis) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (SessionEvent event : arrivals) {
      min = Math.min(min, event.timeMillis());
      max = Math.max(max, event.timeMillis());
    }
    return new Reach(min - timeoutMillis, max + timeoutMillis);
  }

  /**
   * @param reached the stored sessions of the key that overlap {@link #reach} of the arrivals
   */
  public static Change merge(String sessionKey, List<Session> reached, Collection<SessionEvent> arrivals, long timeoutMillis) {
    List<SessionEvent> events = new ArrayList<>(arrivals);
    reached.forEach(session -> events.addAll(session.events()));
    return new Change(reached, Sessionizer.sessions(sessionKey, events, timeoutMillis));
  }
}
