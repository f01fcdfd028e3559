package dev.uptake.core.pipeline;

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
 * The processing stage, in order: {@code IdentityResolver} (users, accounts, the user → account
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

  public Pipeline(IdentityResolver identity, SessionStage sessions) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
  }

  /** Applies one workspace's events; the stored sessions come from {@code storedSessions}. */
  public Result process(
      List<Event> events, WorkspaceSettings settings, WorkingSet profiles, SessionSource storedSessions) {
    List<List<Warning>> warnings = new ArrayList<>(events.size());
    for (Event event : events) {
      warnings.add(identity.apply(event, settings, profiles));
    }
    return new Result(warnings, sessions.apply(events, settings, storedSessions));
  }
}
