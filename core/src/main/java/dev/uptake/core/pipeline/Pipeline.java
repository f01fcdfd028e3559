package dev.uptake.core.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.event.Event;
import dev.uptake.core.identity.IdentityResolver;
import dev.uptake.core.identity.WorkingSet;
import dev.uptake.core.ingest.Warning;
import dev.uptake.core.sessions.SessionSource;
import dev.uptake.core.sessions.SessionStage;
import dev.uptake.core.settings.WorkspaceSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The processing stage, in order: the workspace's {@code Mapping} (another than the default re-reads
 * each event's module, feature, account and session key), {@code IdentityResolver} (users, accounts, the user → account
 * links attribution reads) → {@code SessionStage} (sessions re-formed around new events, and the
 * daily rollup deltas they cause). Deduplication happens before, in the event log, whose
 * (workspace, messageId) is unique.
 *
 * <p>Every stage is order-independent, so a batch may be reprocessed after a crash and events may
 * arrive in any order. Thread-safe; the working set is not.
 */
public final class Pipeline {

  /** What a batch did: warnings per event (in order), and the session stage's result. */
  public record Result(List<List<Warning>> warnings, SessionStage.Result sessions) {}

  private final IdentityResolver identity;
  private final SessionStage sessions;
  private final ObjectMapper json;

  public Pipeline(IdentityResolver identity, SessionStage sessions, ObjectMapper json) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.json = Objects.requireNonNull(json, "json");
  }

  /** The event as the workspace's mapping reads it, or null when the mapping excludes it. */
  public Event seen(Event event, WorkspaceSettings settings) {
    return settings.mapping().apply(event, json);
  }

  /**
   * Applies one workspace's events, each as the workspace's mapping reads it (an event it
   * excludes changes nothing); the stored sessions come from {@code storedSessions}.
   */
  public Result process(
      List<Event> events, WorkspaceSettings settings, WorkingSet profiles, SessionSource storedSessions) {
    List<List<Warning>> warnings = new ArrayList<>(events.size());
    List<Event> mapped = new ArrayList<>(events.size());
    for (Event event : events) {
      Event seen = seen(event, settings);
      if (seen == null) {
        warnings.add(List.of());
      } else {
        mapped.add(seen);
        warnings.add(identity.apply(seen, settings, profiles));
      }
    }
    return new Result(warnings, sessions.apply(mapped, settings, storedSessions));
  }
}
