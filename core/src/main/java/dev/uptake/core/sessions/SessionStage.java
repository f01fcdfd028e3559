package dev.uptake.core.sessions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.event.Event;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Contributions;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.settings.WorkspaceSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sessions and rollups stages for one workspace's batch: groups the events by session key,
 * re-forms the stored sessions they reach ({@link SessionMerge}) and returns the session changes
 * with the rollup deltas they cause ({@link Contributions#delta}). Records written through the
 * Account API are nobody's activity and form no session. Thread-safe.
 */
public final class SessionStage {

  /** A batch's effect: sessions to replace, and what to add to each daily cell. */
  public record Result(List<SessionMerge.Change> changes, Map<Cell, Measures> deltas) {
    public Result {
      changes = List.copyOf(changes);
      deltas = Map.copyOf(deltas);
    }
  }

  private final ObjectMapper json;
  private final StringPool strings = new StringPool();

  public SessionStage(ObjectMapper json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  public Result apply(List<Event> events, WorkspaceSettings settings, SessionSource stored) {
    long timeout = settings.sessionTimeoutMinutes() * 60_000L;
    long idle = settings.idleThresholdMinutes() * 60_000L;
    Map<String, List<SessionEvent>> byKey = new LinkedHashMap<>();
    for (Event event : events) {
      if (event.isRecord()) {
        continue; // a record changes a user or an account; nobody was active
      }
      byKey.computeIfAbsent(event.sessionKey(), key -> new ArrayList<>())
          .add(SessionEvent.of(event, MeasuredTimes.read(event, json), strings));
    }
    Map<String, SessionMerge.Reach> reaches = new HashMap<>();
    byKey.forEach((key, arrivals) -> reaches.put(key, SessionMerge.reach(arrivals, timeout)));
    Map<String, List<Session>> reached = stored.reached(reaches);
    List<SessionMerge.Change> changes = new ArrayList<>();
    Map<Cell, Measures> deltas = new HashMap<>();
    byKey.forEach((key, arrivals) -> {
      SessionMerge.Change change = SessionMerge.merge(key, reached.getOrDefault(key, List.of()), arrivals, timeout);
      changes.add(change);
      Contributions.delta(change, idle, settings.timeZone())
          .forEach((cell, delta) -> deltas.merge(cell, delta, Measures::plus));
    });
    deltas.values().removeIf(Measures::isZero);
    return new Result(changes, deltas);
  }
}
