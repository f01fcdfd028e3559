package dev.uptake.core.sessions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The processing stage's memory of stored sessions, so that a key's next events do not read and
 * parse its sessions again. For each workspace and key it holds every stored session that
 * overlaps {@code [from, ∞)}: a reach from {@code from} on is answered here; any other is loaded
 * from the store (with no upper bound, so the key's next, later reach is covered). The store must
 * have no other writer, and {@link #committed} must follow each successful commit; after a failed
 * one the cache still equals the store. Keys are evicted (Caffeine, least recently and frequently
 * used first) beyond a bound on the estimated bytes held, for every workspace together. Used by
 * the processor's thread only.
 */
public final class SessionCache {

  /** What a session event costs in memory, estimated: the record, its strings, the list slot. */
  static final int EVENT_BYTES = 200;
  private static final int SESSION_BYTES = 64;
  private static final int KEY_BYTES = 120;
  private static final Comparator<Session> BY_START = Comparator.comparingLong(Session::startMillis);

  private record Key(long workspaceId, String sessionKey) {}

  /** Every stored session of the key that overlaps [from, ∞), in start order. */
  private record Entry(long from, List<Session> sessions, int bytes) {
    static Entry of(String key, long from, List<Session> sessions) {
      List<Session> sorted = new ArrayList<>(sessions);
      sorted.sort(BY_START);
      long bytes = KEY_BYTES + 2L * key.length();
      for (Session session : sorted) {
        bytes += SESSION_BYTES + (long) EVENT_BYTES * session.events().size();
      }
      return new Entry(from, sorted, (int) Math.min(Integer.MAX_VALUE, bytes));
    }
  }

  private final Cache<Key, Entry> entries;

  /** @param maxBytes the estimated bytes to hold at most, over all workspaces and keys */
  public SessionCache(long maxBytes) {
    this.entries = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Key key, Entry entry) -> entry.bytes())
        .executor(Runnable::run) // evict on the processor's thread, as it writes
        .recordStats()
        .build();
  }

  /** Hits, misses and evictions so far, for {@code /metrics}. */
  public CacheStats stats() {
    return entries.stats();
  }

  /** The estimated bytes held now. */
  public long bytesHeld() {
    return entries.policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  /** A source of the workspace's stored sessions that answers from memory what it can and asks {@code stored} for the rest. */
  public SessionSource over(long workspaceId, SessionSource stored) {
    return reaches -> reached(workspaceId, reaches, stored);
  }

  private Map<String, List<Session>> reached(long workspaceId, Map<String, SessionMerge.Reach> reaches, SessionSource stored) {
    Map<String, List<Session>> found = new HashMap<>();
    Map<String, SessionMerge.Reach> misses = new HashMap<>();
    reaches.forEach((key, reach) -> {
      Entry entry = entries.getIfPresent(new Key(workspaceId, key));
      if (entry != null && entry.from() <= reach.fromMillis()) {
        found.put(key, overlapping(entry.sessions(), reach));
      } else {
        misses.put(key, new SessionMerge.Reach(reach.fromMillis(), Long.MAX_VALUE));
      }
    });
    if (!misses.isEmpty()) {
      Map<String, List<Session>> loaded = stored.reached(misses);
      misses.forEach((key, open) -> {
        Entry entry = Entry.of(key, open.fromMillis(), loaded.getOrDefault(key, List.of()));
        entries.put(new Key(workspaceId, key), entry);
        found.put(key, overlapping(entry.sessions(), reaches.get(key)));
      });
    }
    found.values().removeIf(List::isEmpty);
    return found;
  }

  /** Applies a committed batch's session changes in the workspace to the keys held. */
  public void committed(long workspaceId, List<SessionMerge.Change> changes) {
    for (SessionMerge.Change change : changes) {
      if (change.added().isEmpty()) {
        continue;
      }
      String sessionKey = change.added().get(0).sessionKey();
      entries.asMap().computeIfPresent(new Key(workspaceId, sessionKey), (key, entry) -> {
        List<Session> sessions = new ArrayList<>(entry.sessions());
        sessions.removeAll(change.removed());
        sessions.addAll(change.added());
        return Entry.of(sessionKey, entry.from(), sessions);
      });
    }
  }

  /** Forgets everything: after a commit that may or may not have happened. */
  public void clear() {
    entries.invalidateAll();
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
