package dev.uptake.core.rollups;

import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionEvent;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What replacing sessions without measured times changes in the daily cells, from the events
 * whose part changed. Without measured times an event's part depends only on the event, the
 * module current at it and the time of the next event of its session (DESIGN.md's rules, as
 * {@link Contributions#add} applies them), so an event that keeps all three adds nothing to the
 * delta. A late event inside a long session then costs one pass over the session, not two
 * recomputations of it; the result equals {@code delta(of(removed), of(added))}.
 */
final class EstimatedDelta {

  private EstimatedDelta() {}

  static Map<Cell, Measures> of(List<Session> removed, List<Session> added, long idleMillis, ZoneId zone) {
    Map<Cell, Measures> cells = new HashMap<>();
    Walk before = new Walk(removed);
    Walk after = new Walk(added);
    while (before.more() || after.more()) {
      int order = !before.more() ? 1 : !after.more() ? -1
          : before.event() == after.event() ? 0 : SessionEvent.ORDER.compare(before.event(), after.event());
      if (order == 0 && before.samePartAs(after)) {
        before.advance();
        after.advance();
        continue;
      }
      if (order <= 0) {
        before.addPart(cells, -1, idleMillis, zone);
        before.advance();
      }
      if (order >= 0) {
        after.addPart(cells, 1, idleMillis, zone);
        after.advance();
      }
    }
    removed.forEach(session -> addSessionRow(cells, session, -1, zone));
    added.forEach(session -> addSessionRow(cells, session, 1, zone));
    cells.values().removeIf(Measures::isZero);
    return cells;
  }

  private static void addSessionRow(Map<Cell, Measures> cells, Session session, int sign, ZoneId zone) {
    SessionEvent first = session.first();
    Cell cell = new Cell(Contributions.day(first.timeMillis(), zone), first.userId(), first.accountKey(),
        Contributions.SESSION_ROW, "");
    cells.merge(cell, new Measures(0, sign, 0, 0), Measures::plus);
  }

  /** The events of sessions in order, each with the module current at it and its successor's time. */
  private static final class Walk {
    private static final long NO_NEXT = Long.MIN_VALUE;

    private final List<Session> sessions;
    private int session;
    private int index;
    private String module = Contributions.NO_MODULE;

    Walk(List<Session> sessions) {
      this.sessions = new ArrayList<>(sessions);
      this.sessions.sort(Comparator.comparingLong(Session::startMillis));
      enter();
    }

    boolean more() {
      return session < sessions.size();
    }

    SessionEvent event() {
      return events().get(index);
    }

    private List<SessionEvent> events() {
      return sessions.get(session).events();
    }

    private long nextTime() {
      return index + 1 < events().size() ? events().get(index + 1).timeMillis() : NO_NEXT;
    }

    boolean samePartAs(Walk other) {
      SessionEvent event = event();
      SessionEvent otherEvent = other.event();
      return (event == otherEvent || event.equals(otherEvent)) && module.equals(other.module)
          && nextTime() == other.nextTime();
    }

    /** Adds {@code sign} times this event's part: its use, and the interval it starts. */
    void addPart(Map<Cell, Measures> cells, int sign, long idleMillis, ZoneId zone) {
      SessionEvent event = event();
      Cell time = new Cell(Contributions.day(event.timeMillis(), zone), event.userId(), event.accountKey(), module, "");
      Cell use = event.feature() == null ? time
          : new Cell(time.day(), event.userId(), event.accountKey(), module, event.feature());
      cells.merge(use, new Measures((long) sign * event.uses(), 0, 0, 0), Measures::plus);
      long next = nextTime();
      if (next != NO_NEXT) {
        long interval = next - event.timeMillis();
        cells.merge(time, new Measures(0, 0, sign * interval, sign * Math.min(interval, idleMillis)), Measures::plus);
      }
    }

    void advance() {
      index++;
      if (index == events().size()) {
        session++;
        index = 0;
        module = Contributions.NO_MODULE;
      }
      enter();
    }

    /** Takes the module of the event now under the walk, when it names one. */
    private void enter() {
      if (more() && event().module() != null) {
        module = event().module();
      }
    }
  }
}
