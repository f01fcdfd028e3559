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
 * Through the cache, every batch sees exactly the stored sessions the store itself would give, for
 * random arrivals (late ones included), failed commits that are retried, and a memory bound small
 * enough to forget keys all the time; and a cache large enough to hold every key reads the store
 * less than once per batch.
 */
class SessionCachePropertyTest {

  static final long WORKSPACE = 7;

  @ParameterizedTest(name = "seed {0}, at most {1} events")
  @CsvSource({"1, 1000000", "2, 1000000", "3, 1000000", "4, 40", "5, 40", "6, 10", "7, 0", "8, 1000000"})
  void theCacheAnswersAsTheStoreDoes(long seed, int maxEvents) {
    Random random = new Random(seed);
    Map<String, List<SessionEvent>> byKey = IncrementalEqualsBatchPropertyTest.stream(random);
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
    int batches = 0;
    for (int from = 0; from < arrivals.size(); ) {
      int to = Math.min(arrivals.size(), from + 1 + random.nextInt(6));
      Map<String, List<SessionEvent>> batch = new HashMap<>();
      arrivals.subList(from, to).forEach(a -> batch.computeIfAbsent(a.getKey(), k -> new ArrayList<>()).add(a.getValue()));
      Map<String, SessionMerge.Reach> reaches = new HashMap<>();
      batch.forEach((key, events) -> reaches.put(key, SessionMerge.reach(events, TIMEOUT)));

      Map<String, List<Session>> reached = cache.over(WORKSPACE, store).reached(reaches);

      assertThat(reached).isEqualTo(overlapping(stored, reaches));
      List<SessionMerge.Change> changes = new ArrayList<>();
      batch.forEach((key, events) -> changes.add(SessionMerge.merge(key, reached.getOrDefault(key, List.of()), events, TIMEOUT)));
      if (random.nextInt(8) == 0) {
        continue; // the commit failed: nothing stored, the same batch is processed again
      }
      for (SessionMerge.Change change : changes) {
        List<Session> sessions = stored.computeIfAbsent(change.added().get(0).sessionKey(), k -> new ArrayList<>());
        sessions.removeAll(change.removed());
        sessions.addAll(change.added());
        sessions.sort(Comparator.comparingLong(Session::startMillis));
      }
      cache.committed(WORKSPACE, changes);
      batches++;
      from = to;
    }

    Map<String, List<Session>> expected = new TreeMap<>();
    byKey.forEach((key, events) -> expected.put(key, Sessionizer.sessions(key, events, TIMEOUT)));
    assertThat(stored).isEqualTo(expected);
    if (maxEvents >= 1_000_000) {
      assertThat(loads.get()).as("store reads, %d batches", batches).isLessThan(batches / 2);
    }
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
