package dev.uptake.core.sessions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The processing stage's memory of sessions, so that a key's next events do not read and parse its
 * sessions again, and so that batches can be computed before the ones ahead of them are committed.
 * For each workspace and key it holds every session that overlaps {@code [from, ∞)}, as the store
 * holds them plus the changes computed since ({@link #applied}).
 *
 * <p>Keys whose changes are not committed yet are <em>pinned</em>: the store does not have them,
 * so they are never forgotten. Every batch is computed in a generation; keys it reaches are pinned
 * in it, and {@link #committed} unpins the keys of the generations a commit made durable. Unpinned
 * keys are evicted (Caffeine, least recently and frequently used first) beyond a bound on the
 * estimated bytes held, for every workspace together. The store must have no other writer; after a
 * failed commit, or another process's, {@link #clear} forgets everything. Used by the processor's
 * thread only.
 */
public final class SessionCache {

  /** What a session event costs in memory, estimated: the record, its strings, the list slot. */
  static final int EVENT_BYTES = 200;
  private static final int SESSION_BYTES = 64;
  private static final int KEY_BYTES = 120;
  private static final Comparator<Session> BY_START = Comparator.comparingLong(Session::startMillis);

  private record Key(long workspaceId, String sessionKey) {}

  /** Every session of the key that overlaps [from, ∞), in start order. */
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

  /** A key with changes not committed yet, last reached in {@code generation}. */
  private record Pinned(Entry entry, long generation) {}

  private final Cache<Key, Entry> entries;
  private final Map<Key, Pinned> pinned = new HashMap<>();
  private long pinnedBytes;

  /** @param maxBytes the estimated bytes to hold at most in unpinned keys, over all workspaces */
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

  /** The estimated bytes held now, pinned keys included. */
  public long bytesHeld() {
    return entries.policy().eviction().orElseThrow().weightedSize().orElse(0) + pinnedBytes;
  }

  /**
   * A source of the workspace's sessions for a batch computed in {@code generation}: answered from
   * memory where it can, from {@code stored} for the rest. Every key it answers is pinned in that
   * generation until {@link #committed}.
   */
  public SessionSource over(long workspaceId, long generation, SessionSource stored) {
    return reaches -> reached(workspaceId, generation, reaches, stored);
  }

  private Map<String, List<Session>> reached(
      long workspaceId, long generation, Map<String, SessionMerge.Reach> reaches, SessionSource stored) {
    Map<String, List<Session>> found = new HashMap<>();
    Map<String, SessionMerge.Reach> misses = new HashMap<>();
    reaches.forEach((sessionKey, reach) -> {
      Key key = new Key(workspaceId, sessionKey);
      Entry entry = held(key);
      if (entry != null && entry.from() <= reach.fromMillis()) {
        pin(key, entry, generation);
        found.put(sessionKey, overlapping(entry.sessions(), reach));
      } else {
        misses.put(sessionKey, new SessionMerge.Reach(reach.fromMillis(), Long.MAX_VALUE));
      }
    });
    if (!misses.isEmpty()) {
      Map<String, List<Session>> loaded = stored.reached(misses);
      misses.forEach((sessionKey, open) -> {
        Key key = new Key(workspaceId, sessionKey);
        List<Session> sessions = loaded.getOrDefault(sessionKey, List.of());
        Pinned held = pinned.get(key);
        if (held != null) {
          sessions = reachedEarlier(sessions, held.entry());
        }
        Entry entry = Entry.of(sessionKey, open.fromMillis(), sessions);
        pin(key, entry, generation);
        found.put(sessionKey, overlapping(entry.sessions(), reaches.get(sessionKey)));
      });
    }
    found.values().removeIf(List::isEmpty);
    return found;
  }

  /**
   * A pinned key reached earlier than it holds: the store's sessions that end before the held span
   * (no uncommitted change can have touched them, since every change's reach lay within the span),
   * then the held ones, which are newer than the store's.
   */
  private static List<Session> reachedEarlier(List<Session> stored, Entry held) {
    List<Session> sessions = new ArrayList<>(held.sessions());
    for (Session session : stored) {
      if (session.endMillis() < held.from()) {
        sessions.add(session);
      }
    }
    return sessions;
  }

  private Entry held(Key key) {
    Pinned held = pinned.get(key);
    return held != null ? held.entry() : entries.getIfPresent(key);
  }

  private void pin(Key key, Entry entry, long generation) {
    Pinned before = pinned.put(key, new Pinned(entry, generation));
    if (before == null) {
      entries.invalidate(key);
    } else {
      pinnedBytes -= before.entry().bytes();
    }
    pinnedBytes += entry.bytes();
  }

  /** Applies a batch's session changes in the workspace to its keys, which the batch reached: pinned. */
  public void applied(long workspaceId, long generation, List<SessionMerge.Change> changes) {
    for (SessionMerge.Change change : changes) {
      if (change.added().isEmpty()) {
        continue;
      }
      String sessionKey = change.added().get(0).sessionKey();
      Key key = new Key(workspaceId, sessionKey);
      Pinned held = pinned.get(key);
      if (held == null) {
        throw new IllegalStateException("session key " + sessionKey + " changed without being reached first");
      }
      Set<Session> removed = Collections.newSetFromMap(new IdentityHashMap<>());
      removed.addAll(change.removed());
      List<Session> sessions = new ArrayList<>(held.entry().sessions().size() + change.added().size());
      for (Session session : held.entry().sessions()) {
        if (!removed.contains(session)) {
          sessions.add(session);
        }
      }
      sessions.addAll(change.added());
      pin(key, Entry.of(sessionKey, held.entry().from(), sessions), generation);
    }
  }

  /** The changes of {@code generation} and every one before it are committed: their keys may be forgotten. */
  public void committed(long generation) {
    Iterator<Map.Entry<Key, Pinned>> keys = pinned.entrySet().iterator();
    while (keys.hasNext()) {
      Map.Entry<Key, Pinned> key = keys.next();
      if (key.getValue().generation() <= generation) {
        keys.remove();
        pinnedBytes -= key.getValue().entry().bytes();
        entries.put(key.getKey(), key.getValue().entry());
      }
    }
  }

  /** Forgets everything: after a commit that may or may not have happened, or another process's. */
  public void clear() {
    pinned.clear();
    pinnedBytes = 0;
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
