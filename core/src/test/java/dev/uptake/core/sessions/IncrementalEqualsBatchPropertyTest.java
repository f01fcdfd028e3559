package dev.uptake.core.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Contributions;
import dev.uptake.core.rollups.Measures;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * For random streams with duplicates, delivered in random batches, shuffled or mostly in time
 * order (including events that arrive after their session closed), incrementally merged sessions
 * and rollup deltas equal a batch recomputation over all events.
 */
class IncrementalEqualsBatchPropertyTest {

  static final long MINUTE = 60_000;
  static final long TIMEOUT = 30 * MINUTE;
  static final long IDLE = 5 * MINUTE;
  static final ZoneId ZONE = ZoneId.of("America/New_York");
  static final String[] MODULES = {"Reports", "Dashboard", "Admin", null, null};
  static final String[] FEATURES = {"Open", "Export", "Share", null};

  static Stream<Arguments> seedsWithAndWithoutMeasuredTimes() {
    return LongStream.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 101, 202).boxed()
        .flatMap(seed -> Stream.of(Arguments.of(seed, true), Arguments.of(seed, false)));
  }

  /**
   * Shuffled arrivals. Without measured times a change's delta comes from the events whose part
   * changed (late events inside sessions, duplicates, bridged gaps); with them, from the sessions'
   * whole cells: both must give the batch's cells.
   */
  @ParameterizedTest(name = "seed {0}, measured times {1}")
  @MethodSource("seedsWithAndWithoutMeasuredTimes")
  void incrementalSessionsAndRollupsEqualBatchRecomputation(long seed, boolean measured) {
    Random random = new Random(seed);
    Map<String, List<SessionEvent>> byKey = stream(random, measured);
    List<Map.Entry<String, SessionEvent>> arrivals = withDuplicates(byKey, random);
    Collections.shuffle(arrivals, random);
    assertIncrementalEqualsBatch(byKey, arrivals, random);
  }

  /** Live traffic: mostly in time order, so most batches extend sessions at their end. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 101, 202})
  void inOrderArrivalsWithSomeLateOnesEqualBatchRecomputation(long seed) {
    Random random = new Random(seed);
    Map<String, List<SessionEvent>> byKey = stream(random, true);
    List<Map.Entry<String, SessionEvent>> arrivals = withDuplicates(byKey, random);
    arrivals.sort(Comparator.comparing(Map.Entry::getValue, SessionEvent.ORDER));
    for (int i = arrivals.size() / 20; i > 0; i--) {
      int from = random.nextInt(arrivals.size());
      Map.Entry<String, SessionEvent> late = arrivals.remove(from);
      arrivals.add(Math.min(arrivals.size(), from + random.nextInt(40)), late);
    }
    assertIncrementalEqualsBatch(byKey, arrivals, random);
  }

  private static List<Map.Entry<String, SessionEvent>> withDuplicates(
      Map<String, List<SessionEvent>> byKey, Random random) {
    List<Map.Entry<String, SessionEvent>> arrivals = new ArrayList<>();
    byKey.forEach((key, events) -> events.forEach(e -> arrivals.add(Map.entry(key, e))));
    for (int i = arrivals.size() / 10; i > 0; i--) {
      arrivals.add(arrivals.get(random.nextInt(arrivals.size())));
    }
    return arrivals;
  }

  private static void assertIncrementalEqualsBatch(
      Map<String, List<SessionEvent>> byKey, List<Map.Entry<String, SessionEvent>> arrivals, Random random) {
    // Batch: every key's events at once.
    Map<String, List<Session>> expectedSessions = new TreeMap<>();
    byKey.forEach((key, events) -> expectedSessions.put(key, Sessionizer.sessions(key, events, TIMEOUT)));
    Map<Cell, Measures> expectedCells = new HashMap<>();
    expectedSessions.values().forEach(s -> s.forEach(session -> Contributions.add(expectedCells, session, IDLE, ZONE)));
    expectedCells.values().removeIf(Measures::isZero);

    // Incremental: the arrivals in random batches, through a session store.
    Map<String, List<Session>> stored = new TreeMap<>();
    Map<Cell, Measures> cells = new HashMap<>();
    for (int from = 0; from < arrivals.size(); ) {
      int to = Math.min(arrivals.size(), from + 1 + random.nextInt(25));
      Map<String, List<SessionEvent>> batch = new HashMap<>();
      arrivals.subList(from, to).forEach(a -> batch.computeIfAbsent(a.getKey(), k -> new ArrayList<>()).add(a.getValue()));
      batch.forEach((key, events) -> apply(key, events, stored, cells));
      from = to;
    }
    cells.values().removeIf(Measures::isZero);

    assertThat(stored).isEqualTo(expectedSessions);
    assertThat(cells).isEqualTo(expectedCells);
  }

  static void apply(String key, List<SessionEvent> events, Map<String, List<Session>> stored, Map<Cell, Measures> cells) {
    SessionMerge.Reach reach = SessionMerge.reach(events, TIMEOUT);
    List<Session> keySessions = stored.computeIfAbsent(key, k -> new ArrayList<>());
    // The same rule as the store's: sessions overlapping the reach.
    List<Session> reached = keySessions.stream()
        .filter(s -> s.endMillis() >= reach.fromMillis() && s.startMillis() <= reach.toMillis())
        .toList();
    SessionMerge.Change change = SessionMerge.merge(key, reached, events, TIMEOUT);
    Map<Cell, Measures> delta = Contributions.delta(change, IDLE, ZONE);
    // The change's delta, however it is found, is the difference of its sessions' cells.
    assertThat(delta).isEqualTo(Contributions.delta(
        Contributions.of(change.removed(), IDLE, ZONE), Contributions.of(change.added(), IDLE, ZONE)));
    delta.forEach((cell, measures) -> cells.merge(cell, measures, Measures::plus));
    keySessions.removeAll(change.removed());
    keySessions.addAll(change.added());
    keySessions.sort((a, b) -> Long.compare(a.startMillis(), b.startMillis()));
  }

  static Map<String, List<SessionEvent>> stream(Random random, boolean measured) {
    Map<String, List<SessionEvent>> byKey = new TreeMap<>();
    long start = Instant.parse("2024-05-01T03:00:00Z").toEpochMilli();
    int id = 0;
    for (int k = 0; k < 4; k++) {
      String key = "s" + k;
      long time = start + random.nextInt(120) * MINUTE;
      List<SessionEvent> events = new ArrayList<>();
      for (int i = 10 + random.nextInt(40); i > 0; i--) {
        // Mostly short gaps, sometimes just over the timeout, sometimes a day.
        int kind = random.nextInt(10);
        time += kind < 7 ? random.nextInt(6 * 60_000) : kind < 9 ? TIMEOUT + random.nextInt(2) * 1000 - 500 : 20 * 60 * MINUTE;
        Long timeSpent = measured && random.nextInt(15) == 0 ? (long) random.nextInt(200_000) : null;
        Long active = measured && random.nextInt(15) == 0 ? (long) random.nextInt(900_000) : null;
        events.add(new SessionEvent(
            random.nextInt(5) == 0 ? time - random.nextInt(3) * 1000 : time, // equal times happen
            "m" + (id++), "u" + random.nextInt(3), random.nextBoolean() ? "" : "a" + random.nextInt(2),
            MODULES[random.nextInt(MODULES.length)], FEATURES[random.nextInt(FEATURES.length)], timeSpent, active,
            random.nextInt(10) == 0 ? 1 + random.nextInt(50) : 1)); // a native feature event's total
      }
      byKey.put(key, events);
    }
    return byKey;
  }
}
