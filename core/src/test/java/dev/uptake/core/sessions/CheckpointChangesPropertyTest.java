package dev.uptake.core.sessions;

import static dev.uptake.core.sessions.IncrementalEqualsBatchPropertyTest.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several batches' changes of a key, made one after another and composed with {@link
 * SessionMerge.Change#then}, change the stored sessions as the batches did one by one; and a store
 * that keeps sessions as appended pieces of events, written from the composed change alone, holds
 * every session's events exactly once, for random arrivals (late ones, duplicates of nothing:
 * the log drops those) in random batches and checkpoints.
 */
class CheckpointChangesPropertyTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void composedChangesStoreWhatTheBatchesDid(long seed) {
    Random random = new Random(seed);
    Map<String, List<SessionEvent>> byKey = IncrementalEqualsBatchPropertyTest.stream(random, true);
    List<Map.Entry<String, SessionEvent>> arrivals = new ArrayList<>();
    byKey.forEach((key, events) -> events.forEach(e -> arrivals.add(Map.entry(key, e))));
    Collections.shuffle(arrivals, random);
    if (seed % 2 == 0) { // live traffic: mostly in time order
      arrivals.subList(0, arrivals.size() * 3 / 4).sort(Comparator.comparingLong(a -> a.getValue().timeMillis()));
    }

    Map<String, List<Session>> oneByOne = new TreeMap<>();
    Map<String, List<Session>> checkpointed = new TreeMap<>();
    Map<String, List<SessionEvent>> pieces = new HashMap<>();
    int from = 0;
    while (from < arrivals.size()) {
      Map<String, SessionMerge.Change> composed = new LinkedHashMap<>();
      for (int batches = 1 + random.nextInt(5); batches > 0 && from < arrivals.size(); batches--) {
        int to = Math.min(arrivals.size(), from + 1 + random.nextInt(12));
        Map<String, List<SessionEvent>> batch = new TreeMap<>();
        arrivals.subList(from, to).forEach(a -> batch.computeIfAbsent(a.getKey(), k -> new ArrayList<>()).add(a.getValue()));
        batch.forEach((key, events) -> {
          SessionMerge.Change change = SessionMerge.merge(key, reached(oneByOne, key, events), events, TIMEOUT);
          apply(oneByOne, key, change);
          composed.merge(key, change, SessionMerge.Change::then);
        });
        from = to;
      }
      composed.forEach((key, change) -> {
        apply(checkpointed, key, change);
        writePieces(pieces, key, change);
      });
      assertThat(checkpointed).isEqualTo(oneByOne);
      checkpointed.forEach((key, sessions) -> sessions.forEach(session -> assertThat(
          sorted(pieces.getOrDefault(key + "@" + session.startMillis(), List.of())))
          .as("the pieces of %s's session at %d", key, session.startMillis())
          .isEqualTo(session.events())));
    }
    Map<String, List<Session>> expected = new TreeMap<>();
    byKey.forEach((key, events) -> expected.put(key, Sessionizer.sessions(key, events, TIMEOUT)));
    assertThat(checkpointed).isEqualTo(expected);
  }

  private static List<Session> reached(Map<String, List<Session>> stored, String key, List<SessionEvent> events) {
    SessionMerge.Reach reach = SessionMerge.reach(events, TIMEOUT);
    return stored.getOrDefault(key, List.of()).stream()
        .filter(s -> s.endMillis() >= reach.fromMillis() && s.startMillis() <= reach.toMillis())
        .toList();
  }

  private static void apply(Map<String, List<Session>> stored, String key, SessionMerge.Change change) {
    List<Session> sessions = stored.computeIfAbsent(key, k -> new ArrayList<>());
    sessions.removeAll(change.removed());
    sessions.addAll(change.added());
    sessions.sort(Comparator.comparingLong(Session::startMillis));
  }

  /** The store's way: dropped sessions' pieces go, absorbed ones' move to the new start, new events are appended. */
  private static void writePieces(Map<String, List<SessionEvent>> pieces, String key, SessionMerge.Change change) {
    change.dropped().forEach(dropped -> pieces.remove(key + "@" + dropped.startMillis()));
    for (SessionMerge.Growth growth : change.growths()) {
      if (growth.unchanged()) {
        continue;
      }
      String at = key + "@" + growth.session().startMillis();
      for (Session absorbed : growth.absorbed()) {
        if (absorbed.startMillis() != growth.session().startMillis()) {
          List<SessionEvent> moved = pieces.remove(key + "@" + absorbed.startMillis());
          if (moved != null) {
            pieces.computeIfAbsent(at, k -> new ArrayList<>()).addAll(moved);
          }
        }
      }
      pieces.computeIfAbsent(at, k -> new ArrayList<>()).addAll(growth.newEvents());
    }
  }

  private static List<SessionEvent> sorted(List<SessionEvent> events) {
    List<SessionEvent> sorted = new ArrayList<>(events);
    sorted.sort(SessionEvent.ORDER);
    return sorted;
  }
}
