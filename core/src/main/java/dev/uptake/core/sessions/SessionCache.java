package dev.uptake.core.sessions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processing stage's memory of stored sessions, so that a key's next events do not read and
 * parse its sessions again. For each key it holds every stored session that overlaps
 * {@code [from, ∞)}: a reach from {@code from} on is answered here; any other is loaded from the
 * store (with no upper bound, so the key's next, later reach is covered). The store must have no
 * other writer, and {@link #committed} must follow each successful commit; after a failed one
 * the cache still equals the store. Least recently used keys are forgotten beyond a bound on the
 * events held. Not thread-safe: the processor's thread owns it.
 */
public final class SessionCache {

  private static final Comparator<Session> BY_START = Comparator.comparingLong(Session::startMillis);

  /** Every stored session of the key that overlaps [from, ∞), in start order. */
  private record Entry(long from, List<Session> sessions, int events) {
    static Entry of(long from, List<Session> sessions) {
      List<Session> sorted = new ArrayList<>(sessions);
      sorted.sort(BY_START);
      return new Entry(from, sorted, sorted.stream().mapToInt(session -> session.events().size()).sum());
    }
  }

  private final int maxEvents;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1_024, 0.75f, true);
  private long events;

  /** @param maxEvents how many session events to hold at most, over all keys */
  public SessionCache(int maxEvents) {
    this.maxEvents = maxEvents;
  }

  /** A source that answers from memory what it can and asks {@code stored} for the rest. */
  public SessionSource over(SessionSource stored) {
    return reaches -> reached(reaches, stored);
  }

  private Map<String, List<Session>> reached(Map<String, SessionMerge.Reach> reaches, SessionSource stored) {
    Map<String, List<Session>> found = new HashMap<>();
    Map<String, SessionMerge.Reach> misses = new HashMap<>();
    reaches.forEach((key, reach) -> {
      Entry entry = entries.get(key);
      if (entry != null && entry.from() <= reach.fromMillis()) {
        found.put(key, overlapping(entry.sessions(), reach));
      } else {
        misses.put(key, new SessionMerge.Reach(reach.fromMillis(), Long.MAX_VALUE));
      }
    });
    if (!misses.isEmpty()) {
      Map<String, List<Session>> loaded = stored.reached(misses);
      misses.forEach((key, open) -> {
        Entry entry = Entry.of(open.fromMillis(), loaded.getOrDefault(key, List.of()));
        put(key, entry);
        found.put(key, overlapping(entry.sessions(), reaches.get(key)));
      });
    }
    found.values().removeIf(List::isEmpty);
    return found;
  }

  /** Applies a committed batch's session changes to the keys held. */
  public void committed(List<SessionMerge.Change> changes) {
    for (SessionMerge.Change change : changes) {
      if (change.added().isEmpty()) {
        continue;
      }
      String key = change.added().get(0).sessionKey();
      Entry entry = entries.get(key);
      if (entry == null) {
        continue; // forgotten meanwhile: the next reach loads it again
      }
      List<Session> sessions = new ArrayList<>(entry.sessions());
      sessions.removeAll(change.removed());
      sessions.addAll(change.added());
      put(key, Entry.of(entry.from(), sessions));
    }
  }

  /** Forgets everything: after a commit that may or may not have happened. */
  public void clear() {
    entries.clear();
    events = 0;
  }

  private void put(String key, Entry entry) {
    Entry old = entries.put(key, entry);
    events += entry.events() - (old == null ? 0 : old.events());
    Iterator<Entry> eldest = entries.values().iterator();
    while (events > maxEvents && eldest.hasNext()) {
      events -= eldest.next().events();
      eldest.remove();
    }
  }

  private static List<Session> overlapping(List<Session> sessions, SessionMerge.Reach reach) {
    List<Session> overlapping = new ArrayList<>();
    for (Session session : sessions) {
      if (session.endMillis() >= reach.fromMillis() && session.startMillis() <= reach.toMillis()) {
        overlapping.add(session);
      }
    }
    return overlapping;
  }
}
