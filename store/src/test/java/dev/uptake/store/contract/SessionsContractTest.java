package dev.uptake.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.keys.Region;
import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionEvent;
import dev.uptake.core.sessions.SessionMerge;
import dev.uptake.core.sessions.Sessionizer;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.Store;
import dev.uptake.store.fixtures.Backend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sessions stored as appended pieces read back exactly as a batch recomputation forms them, for
 * random arrivals in random batches (late events that move a session's start, events that join two
 * sessions, duplicates), and when a shorter timeout splits a stored session.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class SessionsContractTest {

  @Parameter Backend backend;

  static final long MINUTE = 60_000;
  static final String[] KEYS = {"u1", "u2", "u3"};

  @TempDir Path dir;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void storedSessionsEqualBatchRecomputation(long seed) throws SQLException {
    Random random = new Random(seed);
    try (Store store = backend.open(dir, new TestClock(Instant.parse("2024-05-01T00:00:00Z")))) {
      long workspace = store.workspaces().create("Acme", Region.US).workspace().id();
      List<SessionEvent> all = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        String key = KEYS[random.nextInt(KEYS.length)];
        long time = random.nextInt(600) * MINUTE;
        all.add(new SessionEvent(time, "m" + i, key, "", random.nextBoolean() ? "Reports" : null, "F" + random.nextInt(3), null, null));
      }
      List<SessionEvent> arrivals = new ArrayList<>(all);
      for (int i = 0; i < 15; i++) {
        arrivals.add(all.get(random.nextInt(all.size()))); // retries
      }
      Collections.shuffle(arrivals, random);

      for (int from = 0; from < arrivals.size(); ) {
        int to = Math.min(arrivals.size(), from + 1 + random.nextInt(20));
        commit(store, workspace, arrivals.subList(from, to), 30 * MINUTE);
        from = to;
      }

      for (String key : KEYS) {
        List<SessionEvent> ofKey = all.stream().filter(e -> e.userId().equals(key)).toList();
        List<Session> expected = new ArrayList<>(Sessionizer.sessions(key, ofKey, 30 * MINUTE));
        Collections.reverse(expected); // the API lists newest first
        assertThat(store.usage().userSessions(workspace, key, Long.MIN_VALUE, Long.MAX_VALUE, 1_000))
            .as("sessions of " + key)
            .isEqualTo(expected);
      }
    }
    assertEveryPieceIsInOneChain();
  }

  @org.junit.jupiter.api.Test
  void aSessionThatAShorterTimeoutSplitsIsStoredAsItsParts() throws SQLException {
    try (Store store = backend.open(dir, new TestClock(Instant.parse("2024-05-01T00:00:00Z")))) {
      long workspace = store.workspaces().create("Acme", Region.US).workspace().id();
      List<SessionEvent> first = List.of(event(0, "a"), event(40, "b"), event(80, "c"));
      commit(store, workspace, first, 45 * MINUTE);
      assertThat(store.usage().userSessions(workspace, "u1", Long.MIN_VALUE, Long.MAX_VALUE, 10)).hasSize(1);

      commit(store, workspace, List.of(event(85, "d")), 30 * MINUTE);

      assertThat(store.usage().userSessions(workspace, "u1", Long.MIN_VALUE, Long.MAX_VALUE, 10))
          .extracting(session -> session.events().stream().map(SessionEvent::messageId).toList())
          .containsExactly(List.of("c", "d"), List.of("b"), List.of("a"));
    }
    assertEveryPieceIsInOneChain();
  }

  /**
   * A late event at the very millisecond a stored session starts, ordered before its first event,
   * becomes the first: the session keeps its start (its row is updated in place) and now belongs to
   * that event's account.
   */
  @org.junit.jupiter.api.Test
  void aLateEventThatBecomesTheFirstAtTheSameStartMovesTheSessionToItsAccount() {
    try (Store store = backend.open(dir, new TestClock(Instant.parse("2024-05-01T00:00:00Z")))) {
      long workspace = store.workspaces().create("Acme", Region.US).workspace().id();
      commit(store, workspace, List.of(event(10, "m2", "acme"), event(12, "m3", "acme")), 30 * MINUTE);
      assertThat(store.usage().accountSessions(workspace, "acme", Long.MIN_VALUE, Long.MAX_VALUE, 10)).hasSize(1);

      commit(store, workspace, List.of(event(10, "m1", "globex"), event(14, "m4", "acme")), 30 * MINUTE);

      assertThat(store.usage().accountSessions(workspace, "acme", Long.MIN_VALUE, Long.MAX_VALUE, 10)).isEmpty();
      assertThat(store.usage().accountSessions(workspace, "globex", Long.MIN_VALUE, Long.MAX_VALUE, 10))
          .extracting(session -> session.events().stream().map(SessionEvent::messageId).toList())
          .containsExactly(List.of("m1", "m2", "m3", "m4"));
    }
  }

  @org.junit.jupiter.api.Test
  void aReprocessingClearsItsWorkspacesSessionsWithTheirPiecesAndNoOtherWorkspaces() throws SQLException {
    try (Store store = backend.open(dir, new TestClock(Instant.parse("2024-05-01T00:00:00Z")))) {
      long acme = store.workspaces().create("Acme", Region.US).workspace().id();
      long globex = store.workspaces().create("Globex", Region.US).workspace().id();
      commit(store, acme, List.of(event(0, "a"), event(10, "b")), 30 * MINUTE);
      commit(store, acme, List.of(event(20, "c")), 30 * MINUTE);
      commit(store, globex, List.of(event(0, "g")), 30 * MINUTE);

      store.stateWriter().commit(new ProcessedBatch(0, 0, List.of(), List.of(), Set.of(), List.of(),
          new ProcessedBatch.Replay.Start(acme, Instant.parse("2024-05-01T00:00:00Z"), 0, 0)));

      assertThat(store.usage().userSessions(acme, "u1", Long.MIN_VALUE, Long.MAX_VALUE, 10)).isEmpty();
      assertThat(store.usage().userSessions(globex, "u1", Long.MIN_VALUE, Long.MAX_VALUE, 10))
          .extracting(session -> session.events().stream().map(SessionEvent::messageId).toList())
          .containsExactly(List.of("g"));
    }
    assertEveryPieceIsInOneChain();
  }

  /** No piece of events is left behind when its session goes, and no chain names a piece that went. */
  private void assertEveryPieceIsInOneChain() throws SQLException {
    try (Connection connection = backend.connect(dir); Statement statement = connection.createStatement();
        ResultSet counts = statement.executeQuery("WITH RECURSIVE chain (id) AS (SELECT last_piece FROM sessions"
            + " UNION ALL SELECT p.prev FROM chain c JOIN session_pieces p ON p.id = c.id WHERE p.prev IS NOT NULL)"
            + " SELECT (SELECT count(*) FROM session_pieces), (SELECT count(*) FROM chain),"
            + " (SELECT count(DISTINCT p.id) FROM chain c JOIN session_pieces p ON p.id = c.id)")) {
      counts.next();
      assertThat(counts.getLong(1)).as("pieces stored").isPositive();
      assertThat(List.of(counts.getLong(2), counts.getLong(3))).as("links of all chains, distinct pieces they reach")
          .containsOnly(counts.getLong(1));
    }
  }

  private static SessionEvent event(long minute, String messageId, String accountKey) {
    return new SessionEvent(minute * MINUTE, messageId, "u1", accountKey, "Reports", "Open", null, null);
  }

  private static SessionEvent event(long minute, String messageId) {
    return new SessionEvent(minute * MINUTE, messageId, "u1", "", "Reports", "Open", null, null);
  }

  private static void commit(Store store, long workspace, List<SessionEvent> batch, long timeout) {
    Map<String, List<SessionEvent>> byKey = new HashMap<>();
    batch.forEach(event -> byKey.computeIfAbsent(event.userId(), key -> new ArrayList<>()).add(event));
    Map<String, SessionMerge.Reach> reaches = new HashMap<>();
    byKey.forEach((key, events) -> reaches.put(key, SessionMerge.reach(events, timeout)));
    Map<String, List<Session>> reached = store.usage().sessions(workspace).reached(reaches);
    List<SessionMerge.Change> changes = new ArrayList<>();
    byKey.forEach((key, events) -> changes.add(SessionMerge.merge(key, reached.getOrDefault(key, List.of()), events, timeout)));
    store.stateWriter().commit(new ProcessedBatch(0, List.of(new ProcessedBatch.WorkspaceChanges(
        workspace, batch.size(), List.of(), List.of(), Map.of(), changes, Map.of()))));
  }
}
