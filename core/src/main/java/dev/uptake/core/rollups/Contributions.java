package dev.uptake.core.rollups;

import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionEvent;
import dev.uptake.core.sessions.SessionMerge;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What sessions add to the daily cells, by DESIGN.md's rules:
 *
 * <ul>
 *   <li>each event counts once, on its own day, under the current module (the module of the
 *       latest event so far that named one, {@link #NO_MODULE} before any) and its feature;
 *   <li>the interval from an event to the next accrues, whole, to the day, user, account and
 *       current module of the event that starts it, and {@code min(interval, idle threshold)} of
 *       it to active time, so module times add up to the session's duration;
 *   <li>a session counts once, on the day, user and account of its first event;
 *   <li>in a session with measured times (a native collector's {@code time_spent} or {@code
 *       active_duration}), measured time replaces the estimate: each {@code time_spent} is active
 *       time of its event's module, and what the largest {@code active_duration} adds beyond their
 *       sum is active time of the module current at that event.
 * </ul>
 */
public final class Contributions {

  /** The module of time before any event named one. */
  public static final String NO_MODULE = "(none)";

  /** The module of the cell that counts sessions; never shown as a module. */
  public static final String SESSION_ROW = "";

  private Contributions() {}

  /** The cells of all sessions, summed. */
  public static Map<Cell, Measures> of(Collection<Session> sessions, long idleMillis, ZoneId zone) {
    Map<Cell, Measures> cells = new HashMap<>();
    for (Session session : sessions) {
      add(cells, session, idleMillis, zone);
    }
    return cells;
  }

  /** Adds one session's cells to {@code cells}. */
  public static void add(Map<Cell, Measures> cells, Session session, long idleMillis, ZoneId zone) {
    List<SessionEvent> events = session.events();
    boolean measured = session.measured();
    String module = NO_MODULE;
    long timeSpent = 0;
    long maxActive = -1;
    Cell maxActiveCell = null;
    for (int i = 0; i < events.size(); i++) {
      SessionEvent event = events.get(i);
      module = event.module() != null ? event.module() : module;
      Cell time = addEvent(cells, events, i, module, measured, idleMillis, zone);
      if (event.timeSpentMillis() != null) {
        timeSpent += event.timeSpentMillis();
        add(cells, time, new Measures(0, 0, 0, event.timeSpentMillis(), event.timeSpentMillis()));
      }
      if (event.activeDurationMillis() != null && event.activeDurationMillis() > maxActive) {
        maxActive = event.activeDurationMillis();
        maxActiveCell = time;
      }
    }
    if (maxActiveCell != null && maxActive > timeSpent) {
      add(cells, maxActiveCell, new Measures(0, 0, 0, maxActive - timeSpent, maxActive - timeSpent));
    }
    SessionEvent first = session.first();
    add(cells, new Cell(day(first.timeMillis(), zone), first.userId(), first.accountKey(), SESSION_ROW, ""),
        new Measures(0, 1, 0, 0));
  }

  /**
   * What a session change adds to the daily cells. A session extended at its end without measured
   * times changes only from its old last event on: that event gains the interval to the first
   * appended one, each appended event counts as usual. Any other change without measured times
   * adds the parts of the events whose part changed ({@link EstimatedDelta}); with measured times,
   * its sessions are recomputed whole.
   */
  public static Map<Cell, Measures> delta(SessionMerge.Change change, long idleMillis, ZoneId zone) {
    Session extended = change.extended();
    if (extended == null && !anyMeasured(change.removed()) && !anyMeasured(change.added())) {
      return EstimatedDelta.of(change.removed(), change.added(), idleMillis, zone);
    }
    if (extended == null || change.added().get(0).measured()) {
      return delta(of(change.removed(), idleMillis, zone), of(change.added(), idleMillis, zone));
    }
    List<SessionEvent> events = change.added().get(0).events();
    int last = extended.events().size() - 1;
    String module = extended.lastModule() != null ? extended.lastModule() : NO_MODULE;
    Map<Cell, Measures> cells = new HashMap<>();
    SessionEvent before = events.get(last);
    long interval = events.get(last + 1).timeMillis() - before.timeMillis();
    add(cells, new Cell(day(before.timeMillis(), zone), before.userId(), before.accountKey(), module, ""),
        new Measures(0, 0, interval, Math.min(interval, idleMillis)));
    for (int i = last + 1; i < events.size(); i++) {
      module = events.get(i).module() != null ? events.get(i).module() : module;
      addEvent(cells, events, i, module, false, idleMillis, zone);
    }
    change.added().subList(1, change.added().size()).forEach(session -> add(cells, session, idleMillis, zone));
    return cells;
  }

  /** Counts event {@code i} and the interval to the next; returns the cell of its module's time. */
  private static Cell addEvent(
      Map<Cell, Measures> cells, List<SessionEvent> events, int i, String module, boolean measured, long idleMillis,
      ZoneId zone) {
    SessionEvent event = events.get(i);
    LocalDate day = day(event.timeMillis(), zone);
    Cell time = new Cell(day, event.userId(), event.accountKey(), module, "");
    add(cells, new Cell(day, event.userId(), event.accountKey(), module, event.feature() == null ? "" : event.feature()),
        new Measures(event.uses(), 0, 0, 0));
    if (i + 1 < events.size()) {
      long interval = events.get(i + 1).timeMillis() - event.timeMillis();
      add(cells, time, new Measures(0, 0, interval, measured ? 0 : Math.min(interval, idleMillis)));
    }
    return time;
  }

  private static boolean anyMeasured(List<Session> sessions) {
    for (Session session : sessions) {
      if (session.measured()) {
        return true;
      }
    }
    return false;
  }

  /** {@code after - before}, cell by cell, without the cells that did not change. */
  public static Map<Cell, Measures> delta(Map<Cell, Measures> before, Map<Cell, Measures> after) {
    Map<Cell, Measures> delta = new HashMap<>(after);
    before.forEach((cell, measures) -> delta.merge(cell, Measures.ZERO.minus(measures), Measures::plus));
    delta.values().removeIf(Measures::isZero);
    return delta;
  }

  public static LocalDate day(long millis, ZoneId zone) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(millis), zone);
  }

  private static void add(Map<Cell, Measures> cells, Cell cell, Measures measures) {
    cells.merge(cell, measures, Measures::plus);
  }
}
