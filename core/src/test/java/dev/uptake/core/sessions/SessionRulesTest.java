package dev.uptake.core.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Contributions;
import dev.uptake.core.rollups.Measures;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DESIGN.md's session, module-time, active-time and day rules, one test each. */
class SessionRulesTest {

  static final long MINUTE = 60_000;
  static final long TIMEOUT = 30 * MINUTE;
  static final long IDLE = 5 * MINUTE;
  static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
  static final ZoneId UTC = ZoneOffset.UTC;

  static SessionEvent at(long minutes, String messageId, String module) {
    return event(T0 + minutes * MINUTE, messageId, "u1", "acme", module, "Click");
  }

  static SessionEvent event(long time, String messageId, String user, String account, String module, String feature) {
    return new SessionEvent(time, messageId, user, account, module, feature, null, null);
  }

  static List<Session> sessions(SessionEvent... events) {
    return Sessionizer.sessions("s1", List.of(events), TIMEOUT);
  }

  static Measures total(Map<Cell, Measures> cells, String module) {
    return cells.entrySet().stream()
        .filter(e -> module == null || e.getKey().module().equals(module))
        .map(Map.Entry::getValue)
        .reduce(Measures.ZERO, Measures::plus);
  }

  @Test
  void gapLongerThanTimeoutStartsNewSession() {
    assertThat(sessions(at(0, "a", null), at(31, "b", null))).hasSize(2);
  }

  @Test
  void gapExactlyAtTheTimeoutContinuesTheSession() {
    List<Session> sessions = sessions(at(0, "a", null), at(30, "b", null));
    assertThat(sessions).singleElement().satisfies(s -> assertThat(s.durationMillis()).isEqualTo(TIMEOUT));
  }

  @Test
  void arrivalsAfterTheTimeoutLeaveAStoredSessionAsItIsEvenWhenHandedIt() {
    List<Session> stored = sessions(at(0, "a", null), at(10, "b", null));
    SessionMerge.Change change = SessionMerge.merge("s1", stored, List.of(at(41, "c", null)), TIMEOUT);
    assertThat(change.removed()).isEmpty();
    assertThat(change.added()).singleElement().satisfies(s -> assertThat(s.first().messageId()).isEqualTo("c"));
  }

  @Test
  void arrivalsWithinTheTimeoutExtendTheLatestStoredSession() {
    List<Session> stored = sessions(at(0, "a", null), at(10, "b", null), at(100, "c", null));
    SessionMerge.Change change = SessionMerge.merge("s1", stored, List.of(at(160, "e", null), at(130, "d", null)), TIMEOUT);
    assertThat(change.removed()).containsExactly(stored.get(1));
    assertThat(change.added()).singleElement()
        .satisfies(s -> assertThat(s.events()).extracting(SessionEvent::messageId).containsExactly("c", "d", "e"));
  }

  @Test
  void aShorterTimeoutSplitsASessionAtTheGapWhereAnEarlierBatchExtendedIt() {
    Session stored = sessions(at(0, "a", null), at(10, "b", null)).get(0);
    Session extended = SessionMerge.merge("s1", List.of(stored), List.of(at(35, "c", null)), TIMEOUT).added().get(0);
    assertThat(extended.longestGapMillis()).isEqualTo(25 * MINUTE);

    SessionMerge.Change change = SessionMerge.merge("s1", List.of(extended), List.of(at(40, "d", null)), 20 * MINUTE);

    assertThat(change.extended()).isNull();
    assertThat(change.added()).extracting(s -> s.events().stream().map(SessionEvent::messageId).toList())
        .containsExactly(List.of("a", "b"), List.of("c", "d"));
  }

  @Test
  void anExtensionCarriesTheModuleOverEventsThatNameNoneAcrossBatches() {
    // Reports at 0, an identify at 10; then, in two later batches, an identify at 15 and Dashboard at 18
    Session stored = sessions(at(0, "a", "Reports"), at(10, "b", null)).get(0);
    SessionMerge.Change first = SessionMerge.merge("s1", List.of(stored), List.of(at(15, "c", null)), TIMEOUT);
    SessionMerge.Change second =
        SessionMerge.merge("s1", first.added(), List.of(at(18, "d", "Dashboard")), TIMEOUT);

    Map<Cell, Measures> cells = Contributions.of(List.of(stored), IDLE, UTC);
    Contributions.delta(first, IDLE, UTC).forEach((cell, delta) -> cells.merge(cell, delta, Measures::plus));
    Contributions.delta(second, IDLE, UTC).forEach((cell, delta) -> cells.merge(cell, delta, Measures::plus));

    assertThat(second.extended()).isNotNull();
    assertThat(total(cells, "Reports").durationMillis()).isEqualTo(18 * MINUTE);
    assertThat(total(cells, "Dashboard").durationMillis()).isZero();
    assertThat(total(cells, Contributions.NO_MODULE).durationMillis()).isZero();
  }

  @Test
  void anExtendedSessionIsMeasuredWhenItsNewEventsCarryMeasuredTimes() {
    Session stored = sessions(at(0, "a", "Reports")).get(0);
    SessionEvent measured = new SessionEvent(T0 + 5 * MINUTE, "b", "u1", "acme", "Reports", null, 60_000L, null);

    Session extended = SessionMerge.merge("s1", List.of(stored), List.of(measured), TIMEOUT).added().get(0);

    assertThat(stored.measured()).isFalse();
    assertThat(extended.measured()).isTrue();
    assertThat(extended).isEqualTo(new Session("s1", List.of(stored.first(), measured)));
  }

  @Test
  void eventsAreOrderedByTimeThenMessageIdWhateverTheirArrival() {
    Session session = sessions(at(5, "c", null), at(0, "b", null), at(0, "a", null)).get(0);
    assertThat(session.events()).extracting(SessionEvent::messageId).containsExactly("a", "b", "c");
  }

  @Test
  void singleEventSessionHasZeroDurationButCountsAsASession() {
    Map<Cell, Measures> cells = Contributions.of(sessions(at(0, "a", "Reports")), IDLE, UTC);
    assertThat(total(cells, null)).isEqualTo(new Measures(1, 1, 0, 0));
  }

  @Test
  void repeatedMessageIdCountsOnce() {
    assertThat(sessions(at(0, "a", null), at(0, "a", null)).get(0).events()).hasSize(1);
  }

  @Test
  void aRepeatedMessageIdWithAnotherTimeReplacesTheStoredEventButIsNotStoredAgain() {
    List<Session> stored = sessions(at(0, "a", null), at(5, "b", null), at(10, "c", null));
    SessionMerge.Change change = SessionMerge.merge("s1", stored, List.of(at(7, "b", null), at(8, "d", null)), TIMEOUT);
    assertThat(change.added()).singleElement().satisfies(s ->
        assertThat(s.events()).extracting(SessionEvent::messageId).containsExactly("a", "b", "d", "c"));
    // The store keeps what it holds of "b"; only "d" is new to it.
    assertThat(change.growths()).singleElement().satisfies(growth ->
        assertThat(growth.newEvents()).extracting(SessionEvent::messageId).containsExactly("d"));
  }

  @Test
  void moduleIsCarriedOverAnIdentifyThatNamesNone() {
    // Reports at 0, an identify (it names no module) at 10, Dashboard at 12, end at 20
    Map<Cell, Measures> cells =
        Contributions.of(sessions(at(0, "a", "Reports"), at(10, "b", null), at(12, "c", "Dashboard"), at(20, "d", null)), IDLE, UTC);
    assertThat(total(cells, "Reports").durationMillis()).isEqualTo(12 * MINUTE);
    assertThat(total(cells, "Dashboard").durationMillis()).isEqualTo(8 * MINUTE);
    assertThat(total(cells, null).durationMillis()).as("modules add up to the session").isEqualTo(20 * MINUTE);
  }

  @Test
  void timeBeforeAnyModuleIsTheNoneModule() {
    Map<Cell, Measures> cells = Contributions.of(sessions(at(0, "a", null), at(3, "b", "Reports"), at(4, "c", null)), IDLE, UTC);
    assertThat(total(cells, Contributions.NO_MODULE).durationMillis()).isEqualTo(3 * MINUTE);
    assertThat(total(cells, "Reports").durationMillis()).isEqualTo(MINUTE);
  }

  @Test
  void activeTimeCapsEachIntervalAtTheIdleThreshold() {
    Map<Cell, Measures> cells = Contributions.of(sessions(at(0, "a", "R"), at(2, "b", null), at(22, "c", null)), IDLE, UTC);
    assertThat(total(cells, null).durationMillis()).isEqualTo(22 * MINUTE);
    assertThat(total(cells, null).activeMillis()).isEqualTo(2 * MINUTE + IDLE);
  }

  @Test
  void intervalAccruesToTheAccountAndUserOfTheEventThatStartsIt() {
    Map<Cell, Measures> cells = Contributions.of(sessions(
        event(T0, "a", "u1", "acme", "R", null), event(T0 + 4 * MINUTE, "b", "u2", "globex", "R", null),
        event(T0 + 5 * MINUTE, "c", "u2", "globex", "R", null)), IDLE, UTC);
    long acme = cells.entrySet().stream().filter(e -> e.getKey().accountKey().equals("acme")).mapToLong(e -> e.getValue().durationMillis()).sum();
    long u2 = cells.entrySet().stream().filter(e -> e.getKey().userId().equals("u2")).mapToLong(e -> e.getValue().durationMillis()).sum();
    assertThat(acme).isEqualTo(4 * MINUTE);
    assertThat(u2).isEqualTo(MINUTE);
  }

  @Test
  void intervalAccruesToTheDayItStartsInTheWorkspaceTimeZone() {
    ZoneId berlin = ZoneId.of("Europe/Berlin"); // UTC+2 in May: 21:50 UTC is 23:50 in Berlin
    long start = Instant.parse("2024-05-01T21:50:00Z").toEpochMilli();
    Map<Cell, Measures> cells = Contributions.of(Sessionizer.sessions("s1", List.of(
        event(start, "a", "u1", "acme", "R", null), event(start + 20 * MINUTE, "b", "u1", "acme", "R", null)), TIMEOUT), IDLE, berlin);
    assertThat(cells.entrySet().stream().filter(e -> e.getValue().durationMillis() > 0))
        .singleElement().satisfies(e -> assertThat(e.getKey().day()).isEqualTo(LocalDate.of(2024, 5, 1)));
    assertThat(cells.keySet()).extracting(Cell::day).contains(LocalDate.of(2024, 5, 2)); // the event at 00:10
  }

  @Test
  void eachTrackEventCountsForItsFeatureUnderTheCurrentModule() {
    Map<Cell, Measures> cells = Contributions.of(sessions(
        event(T0, "a", "u1", "acme", "Reports", "Open"), event(T0 + MINUTE, "b", "u1", "acme", null, "Export")), IDLE, UTC);
    assertThat(cells).containsEntry(new Cell(LocalDate.of(2024, 5, 1), "u1", "acme", "Reports", "Export"), new Measures(1, 0, 0, 0));
  }

  @Test
  void measuredTimeOverridesTheEstimateForThatSession() {
    List<SessionEvent> events = new ArrayList<>(List.of(at(0, "a", "Reports"), at(20, "b", null)));
    events.add(new SessionEvent(T0 + 21 * MINUTE, "c", "u1", "acme", "Reports", "moduleEnd", 90_000L, null));
    events.add(new SessionEvent(T0 + 22 * MINUTE, "d", "u1", "acme", null, "sessionSync", null, 200_000L));
    Map<Cell, Measures> cells = Contributions.of(Sessionizer.sessions("s1", events, TIMEOUT), IDLE, UTC);
    assertThat(total(cells, null).durationMillis()).isEqualTo(22 * MINUTE);
    assertThat(total(cells, null).activeMillis()).as("largest active_duration").isEqualTo(200_000L);
    assertThat(total(cells, "Reports").activeMillis()).isEqualTo(200_000L);
  }

  @Test
  void sessionKeyFallsBackToUserIdWithoutAnonymousId() {
    // The key comes from Event.sessionKey(); sessions of different keys never mix.
    dev.uptake.core.event.Event event = new dev.uptake.core.event.Event("m", dev.uptake.core.event.EventType.TRACK,
        "u7", null, null, "Click", null, Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0), "{}");
    assertThat(event.sessionKey()).isEqualTo("u7");
  }

  @Test
  void sessionIsOpenWhileNoMoreThanTheTimeoutHasPassed() {
    Session session = sessions(at(0, "a", null)).get(0);
    assertThat(session.open(T0 + TIMEOUT, TIMEOUT)).isTrue();
    assertThat(session.open(T0 + TIMEOUT + 1, TIMEOUT)).isFalse();
  }
}
