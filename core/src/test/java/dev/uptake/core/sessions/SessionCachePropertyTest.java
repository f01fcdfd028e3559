package dev.uptake.core.sessions;

import static dev.uptake.core.sessions.IncrementalEqualsBatchPropertyTest.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Through the cache, every batch sees exactly the sessions the store would give with every change
 * computed before it applied, for random arrivals (late ones included), commits that lag behind
 * computing by several generations, failed commits after which everything not committed is
 * computed again, and a memory bound small enough to forget unpinned keys all the time; and a
 * cache large enough to hold every key reads the store less than once per batch.
 */
class SessionCachePropertyTest {

  static final long WORKSPACE = 7;

  @ParameterizedTest(name = "seed {0}, at most {1} events")
  @CsvSource({"1, 1000000", "2, 1000000", "3, 1000000", "4, 40", "5, 40", "6, 10", "7, 0", "8, 1000000"})
  void theCacheAnswersAsTheStoreDoes(long seed, int maxEvents) {
    Random random = new Random(seed);
    Map<String, List<SessionEvent>> byKey = IncrementalEqualsBatchPropertyTest.stream(random, true);
    List<Map.Entry<String, SessionEvent>> arrivals = new ArrayList<>();
    byKey.forEach((key, events) -> events.forEach(e -> arrivals.add(Map.entry(key, e))));
    Collections.shuffle(arrivals, random);
    // Mostly in time order, as live traffic is; the shuffle above leaves late events too.
    arrivals.subList(0, arrivals.size() * 2 / 3).sort(Comparator.comparingLong(a -> a.getValue().timeMillis()));

    Map<String, List<Session>> stored = new TreeMap<>();
    AtomicInteger loads = new AtomicInteger();
    SessionSource store = reaches -> {
      loads.incrementAndGet();
      return overlapping(stored, reaches);
    };
    SessionCache cache = new SessionCache((long) maxEvents * SessionCache.EVENT_BYTES);
    // Computed, not committed: each generation's changes and where its arrivals end.
    record Generation(long number, int end, List<SessionMerge.Change> changes) {}
    List<Generation> pending = new ArrayList<>();
    Map<String, List<Session>> computed = new TreeMap<>(); // the store plus the pending changes
    long generation = 1;
    int committedTo = 0;
    int batches = 0;
    List<SessionMerge.Change> current = new ArrayList<>();
    for (int from = 0; from < arrivals.size(); ) {
      int to = Math.min(arrivals.size(), from + 1 + random.nextInt(6));
      Map<String, List<SessionEvent>> batch = new HashMap<>();
      arrivals.subList(from, to).forEach(a -> batch.computeIfAbsent(a.getKey(), k -> new ArrayList<>()).add(a.getValue()));
      Map<String, SessionMerge.Reach> reaches = new HashMap<>();
      batch.forEach((key, events) -> reaches.put(key, SessionMerge.reach(events, TIMEOUT)));

      Map<String, List<Session>> reached = cache.over(WORKSPACE, generation, store).reached(reaches);

      assertThat(reached).isEqualTo(overlapping(computed, reaches));
      List<SessionMerge.Change> changes = new ArrayList<>();
      batch.forEach((key, events) -> changes.add(SessionMerge.merge(key, reached.getOrDefault(key, List.of()), events, TIMEOUT)));
      cache.applied(WORKSPACE, generation, changes);
      changes.forEach(change -> apply(computed, change));
      current.addAll(changes);
      batches++;
      from = to;
      if (random.nextBoolean()) { // the generation ends: its batches go to the committer
        pending.add(new Generation(generation++, from, List.copyOf(current)));
        current.clear();
      }
      int outcome = random.nextInt(10);
      if (outcome == 0 && !pending.isEmpty()) { // a commit failed: everything after the committed cursor again
        cache.clear();
        pending.clear();
        current.clear();
        computed.clear();
        computed.putAll(copy(stored));
        from = committedTo;
      } else if (outcome < 5 && !pending.isEmpty()) { // the oldest pending generation is committed
        Generation done = pending.remove(0);
        done.changes().forEach(change -> apply(stored, change));
        cache.committed(done.number());
        committedTo = done.end();
      }
    }
    pending.add(new Generation(generation, arrivals.size(), List.copyOf(current)));
    for (Generation done : pending) {
      done.changes().forEach(change -> apply(stored, change));
      cache.committed(done.number());
    }

    Map<String, List<Session>> expected = new TreeMap<>();
    byKey.forEach((key, events) -> expected.put(key, Sessionizer.sessions(key, events, TIMEOUT)));
    assertThat(stored).isEqualTo(expected);
    if (maxEvents >= 1_000_000) {
      assertThat(loads.get()).as("store reads, %d batches", batches).isLessThan(batches / 2);
    }
  }

  private static void apply(Map<String, List<Session>> sessions, SessionMerge.Change change) {
    List<Session> ofKey = sessions.computeIfAbsent(change.added().get(0).sessionKey(), k -> new ArrayList<>());
    ofKey.removeAll(change.removed());
    ofKey.addAll(change.added());
    ofKey.sort(Comparator.comparingLong(Session::startMillis));
  }

  private static Map<String, List<Session>> copy(Map<String, List<Session>> sessions) {
    Map<String, List<Session>> copy = new TreeMap<>();
    sessions.forEach((key, list) -> copy.put(key, new ArrayList<>(list)));
    return copy;
  }

  /** The store's rule: each key's sessions that overlap its reach, in start order. */
  private static Map<String, List<Session>> overlapping(Map<String, List<Session>> stored, Map<String, SessionMerge.Reach> reaches) {
    Map<String, List<Session>> found = new HashMap<>();
    reaches.forEach((key, reach) -> {
      List<Session> sessions = stored.getOrDefault(key, List.of()).stream()
          .filter(s -> s.endMillis() >= reach.fromMillis() && s.startMillis() <= reach.toMillis())
          .toList();
      if (!sessions.isEmpty()) {
        found.put(key, sessions);
      }
    });
    return found;
  }
}
