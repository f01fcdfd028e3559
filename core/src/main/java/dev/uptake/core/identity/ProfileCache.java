package dev.uptake.core.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Users and accounts as processing last committed them, so a batch reads from the store only
 * those it has not met lately: under live traffic nearly every batch names users and accounts the
 * batch before it named too, and reading and parsing their JSON states was a third of computing.
 *
 * <p>Only for a processor that is the only writer of its store's users and accounts (the embedded
 * one, which claims the store): where several write at once (cluster mode), a state held here
 * could lack another processor's change. The processor clears it whenever it cannot be sure what
 * the store holds (a failed commit, another process's). Entries are weighed in estimated bytes and
 * evicted beyond the cache's share of {@code --cache-memory}. Used by one thread.
 */
public final class ProfileCache {

  private record Key(long workspaceId, boolean account, String id) {}

  /** What a state costs in memory, estimated: the records, the id, the stamped fields. */
  private static final int STATE_BYTES = 320;
  private static final int FIELD_BYTES = 160;

  private final Cache<Key, Object> states;

  /** @param maxBytes the estimated bytes to hold at most, over all workspaces; 0 holds nothing */
  public ProfileCache(long maxBytes) {
    this.states = maxBytes <= 0 ? null : Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher(ProfileCache::bytes)
        .executor(Runnable::run) // evict on the processor's thread, as it writes
        .recordStats()
        .build();
  }

  /** Hits, misses and evictions so far, for {@code /metrics}. */
  public CacheStats stats() {
    return states == null ? CacheStats.empty() : states.stats();
  }

  /** The estimated bytes held now. */
  public long bytesHeld() {
    return states == null ? 0 : states.policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  /** The stored states of {@code userIds}: those held, then {@code stored} for the rest (held from then on). */
  public Map<String, UserState> users(
      long workspaceId, Collection<String> userIds, BiFunction<Long, Collection<String>, Map<String, UserState>> stored) {
    return states(workspaceId, false, userIds, stored, UserState.class);
  }

  /** The stored states of {@code accountIds}: those held, then {@code stored} for the rest (held from then on). */
  public Map<String, AccountState> accounts(long workspaceId, Collection<String> accountIds,
      BiFunction<Long, Collection<String>, Map<String, AccountState>> stored) {
    return states(workspaceId, true, accountIds, stored, AccountState.class);
  }

  /** {@code user}'s state is in the store now. */
  public void committed(long workspaceId, UserState user) {
    if (states != null) {
      states.put(new Key(workspaceId, false, user.userId()), user);
    }
  }

  /** {@code account}'s state is in the store now. */
  public void committed(long workspaceId, AccountState account) {
    if (states != null) {
      states.put(new Key(workspaceId, true, account.accountId()), account);
    }
  }

  /** Forgets everything: the store may hold other states than those held here. */
  public void clear() {
    if (states != null) {
      states.invalidateAll();
    }
  }

  private <T> Map<String, T> states(long workspaceId, boolean account, Collection<String> ids,
      BiFunction<Long, Collection<String>, Map<String, T>> stored, Class<T> type) {
    if (states == null) {
      return stored.apply(workspaceId, ids);
    }
    Map<String, T> found = new HashMap<>();
    Set<String> missing = new HashSet<>();
    for (String id : ids) {
      Object held = states.getIfPresent(new Key(workspaceId, account, id));
      if (held == null) {
        missing.add(id);
      } else {
        found.put(id, type.cast(held));
      }
    }
    if (!missing.isEmpty()) {
      stored.apply(workspaceId, missing).forEach((id, state) -> {
        states.put(new Key(workspaceId, account, id), state);
        found.put(id, state);
      });
    }
    return found;
  }

  private static int bytes(Key key, Object state) {
    int fields = state instanceof UserState user ? count(user.fields(), user.traits(), user.dimensions())
        : state instanceof AccountState account ? count(account.fields(), account.traits(), account.dimensions()) : 0;
    return STATE_BYTES + 2 * key.id().length() + FIELD_BYTES * fields;
  }

  private static int count(Fields... all) {
    int count = 0;
    for (Fields fields : all) {
      count += fields.values().size();
    }
    return count;
  }
}
