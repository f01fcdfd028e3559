package dev.uptake.core.sessions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Incremental sessionizing: new events for one session key touch only the stored sessions within
 * the timeout of them. Those are re-formed together with the new events; every other session of
 * the key stays as it is, because the gaps around it were already longer than the timeout.
 */
public final class SessionMerge {

  /**
   * The stored sessions to replace, and what replaces them.
   *
   * @param extended null, or the one removed session when the first added session is it with
   *     events appended after its last (the common case of live traffic, which stores and rollups
   *     handle without going over the stored events again)
   */
  public record Change(List<Session> removed, List<Session> added, Session extended) {
    public Change {
      removed = List.copyOf(removed);
      added = List.copyOf(added);
      if (extended != null && !(removed.size() == 1 && removed.get(0) == extended && added.get(0).first() == extended.first())) {
        throw new IllegalArgumentException("an extended session is the one removed and starts the first added");
      }
    }

    public Change(List<Session> removed, List<Session> added) {
      this(removed, added, null);
    }

    /**
     * This change and then {@code next}, a later batch's change of the same key made against the
     * sessions this one left, as one change of the stored sessions: what a checkpoint of several
     * batches writes. A session this change added and {@code next} removed is never stored; an
     * extension of an extension stays one.
     */
    public Change then(Change next) {
      Set<Session> nextRemoves = identitySet(next.removed);
      Set<Session> adds = identitySet(added);
      List<Session> allRemoved = new ArrayList<>(removed);
      for (Session session : next.removed) {
        if (!adds.contains(session)) {
          allRemoved.add(session);
        }
      }
      List<Session> allAdded = new ArrayList<>(next.added);
      for (Session session : added) {
        if (!nextRemoves.contains(session)) {
          allAdded.add(session);
        }
      }
      boolean stillExtended = extended != null && next.extended == added.get(0) && allRemoved.size() == 1;
      return new Change(allRemoved, allAdded, stillExtended ? extended : null);
    }

    private static Set<Session> identitySet(List<Session> sessions) {
      Set<Session> set = Collections.newSetFromMap(new IdentityHashMap<>());
      set.addAll(sessions);
      return set;
    }

    /** The events the first added session appends to {@link #extended}. */
    public List<SessionEvent> appended() {
      List<SessionEvent> events = added.get(0).events();
      return events.subList(extended.events().size(), events.size());
    }

    /**
     * What a store that keeps a session's events in appended pieces must write: each added session
     * with the removed sessions it wholly contains (their stored events are kept and move to its
     * start) and the events it adds to them. A removed session no added one contains (a shorter
     * timeout split it) is {@linkplain #dropped() dropped}; its events count as new where they land.
     */
    public List<Growth> growths() {
      List<Growth> growths = new ArrayList<>(added.size());
      if (extended != null) {
        growths.add(new Growth(added.get(0), List.of(extended), appended()));
        added.subList(1, added.size()).forEach(session -> growths.add(new Growth(session, List.of(), session.events())));
        return growths;
      }
      for (Session session : added) {
        List<Session> absorbed = new ArrayList<>();
        for (Session old : removed) {
          if (contains(session, old)) {
            absorbed.add(old);
          }
        }
        growths.add(new Growth(session, absorbed, newEvents(session, absorbed)));
      }
      return growths;
    }

    /**
     * The events of {@code session} whose messageId none of {@code absorbed} holds. Both are in
     * {@link SessionEvent#ORDER}, so one merge finds the events stored as they are; only the rest
     * (few: what arrived) are looked up by messageId, for an arrival that replaced its stored copy.
     */
    private static List<SessionEvent> newEvents(Session session, List<Session> absorbed) {
      List<SessionEvent> stored = new ArrayList<>();
      absorbed.stream().sorted(Comparator.comparingLong(Session::startMillis)).forEach(old -> stored.addAll(old.events()));
      List<SessionEvent> unmatched = new ArrayList<>();
      int at = 0;
      for (SessionEvent event : session.events()) {
        while (at < stored.size() && stored.get(at) != event && SessionEvent.ORDER.compare(stored.get(at), event) < 0) {
          at++;
        }
        if (at == stored.size() || stored.get(at) != event && SessionEvent.ORDER.compare(stored.get(at), event) != 0) {
          unmatched.add(event);
        }
      }
      if (unmatched.isEmpty()) {
        return unmatched;
      }
      Set<String> unmatchedIds = new HashSet<>();
      unmatched.forEach(event -> unmatchedIds.add(event.messageId()));
      Set<String> storedIds = new HashSet<>();
      for (SessionEvent event : stored) {
        if (unmatchedIds.contains(event.messageId())) {
          storedIds.add(event.messageId());
        }
      }
      unmatched.removeIf(event -> storedIds.contains(event.messageId()));
      return unmatched;
    }

    /** Removed sessions that no added session wholly contains. */
    public List<Session> dropped() {
      List<Session> dropped = new ArrayList<>();
      for (Session old : removed) {
        if (added.stream().noneMatch(session -> contains(session, old))) {
          dropped.add(old);
        }
      }
      return dropped;
    }

    /** Sessions of one key never overlap, so a session within another's span is wholly in it. */
    private static boolean contains(Session outer, Session inner) {
      return inner.startMillis() >= outer.startMillis() && inner.endMillis() <= outer.endMillis();
    }
  }

  /**
   * An added session as a store appends it.
   *
   * @param absorbed removed sessions it wholly contains, whose stored events it keeps
   * @param newEvents its events that none of those held
   */
  public record Growth(Session session, List<Session> absorbed, List<SessionEvent> newEvents) {
    public Growth {
      absorbed = List.copyOf(absorbed);
      newEvents = List.copyOf(newEvents);
    }

    /** True when the session is exactly one stored session, as stored: nothing to write. */
    public boolean unchanged() {
      return newEvents.isEmpty() && absorbed.size() == 1 && absorbed.get(0).equals(session);
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
    if (!reached.isEmpty()) {
      Session latest = Collections.max(reached, Comparator.comparingLong(Session::endMillis));
      List<Session> formed = Sessionizer.sessions(sessionKey, arrivals, timeoutMillis);
      if (SessionEvent.ORDER.compare(formed.get(0).first(), latest.events().get(latest.events().size() - 1)) > 0
          && latest.longestGapMillis() <= timeoutMillis) { // a shorter timeout than it was formed with splits it
        return afterAll(latest, formed, timeoutMillis); // the stored events need no sorting again
      }
    }
    return new Change(reached, Sessionizer.cut(sessionKey, mergedEvents(reached, arrivals), timeoutMillis));
  }

  /**
   * The events of the reached sessions and the arrivals in {@link SessionEvent#ORDER}, each
   * messageId once (an arrival's copy wins, as in {@link Sessionizer#sessions}). The stored events
   * are in order already (sessions of a key never overlap), so only the arrivals are sorted and
   * the rest is one merge: a late event costs a pass over its session, not a sort and a hash of it.
   */
  private static List<SessionEvent> mergedEvents(List<Session> reached, Collection<SessionEvent> arrivals) {
    List<SessionEvent> fresh = Sessionizer.ordered(arrivals);
    Set<String> freshIds = new HashSet<>();
    fresh.forEach(event -> freshIds.add(event.messageId()));
    List<Session> stored = new ArrayList<>(reached);
    stored.sort(Comparator.comparingLong(Session::startMillis));
    int size = fresh.size();
    for (Session session : stored) {
      size += session.events().size();
    }
    List<SessionEvent> merged = new ArrayList<>(size);
    int next = 0;
    for (Session session : stored) {
      for (SessionEvent event : session.events()) {
        if (freshIds.contains(event.messageId())) {
          continue; // replaced by its arrival
        }
        while (next < fresh.size() && SessionEvent.ORDER.compare(fresh.get(next), event) < 0) {
          merged.add(fresh.get(next++));
        }
        merged.add(event);
      }
    }
    merged.addAll(fresh.subList(next, fresh.size()));
    return merged;
  }

  /** Arrivals that all follow the stored sessions: they continue the latest, or start anew. */
  private static Change afterAll(Session latest, List<Session> formed, long timeoutMillis) {
    Session next = formed.get(0);
    if (next.startMillis() - latest.endMillis() > timeoutMillis) {
      return new Change(List.of(), formed);
    }
    List<Session> added = new ArrayList<>(formed);
    added.set(0, latest.followedBy(next));
    return new Change(List.of(latest), added, latest);
  }
}
