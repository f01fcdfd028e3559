package dev.uptake.core.pipeline;

import dev.uptake.core.event.Event;
import dev.uptake.core.identity.IdentityResolver;
import dev.uptake.core.identity.WorkingSet;
import dev.uptake.core.ingest.Warning;
import dev.uptake.core.settings.WorkspaceSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The processing stage: {@code IdentityResolver} (users, accounts, links that attribution reads).
 * Deduplication happens before, in the event log, whose (workspace, messageId) is unique; sessions
 * and rollups follow here as they are built.
 *
 * <p>Every stage is order-independent, so a batch may be reprocessed after a crash and events may
 * arrive in any order. Thread-safe; the working set is not.
 */
public final class Pipeline {

  private final IdentityResolver identity;

  public Pipeline(IdentityResolver identity) {
    this.identity = Objects.requireNonNull(identity, "identity");
  }

  /**
   * Applies one workspace's events to its working set.
   *
   * @return for each event, in order, the warnings it raised (empty lists for most)
   */
  public List<List<Warning>> process(List<Event> events, WorkspaceSettings settings, WorkingSet profiles) {
    List<List<Warning>> warnings = new ArrayList<>(events.size());
    for (Event event : events) {
      warnings.add(identity.apply(event, settings, profiles));
    }
    return warnings;
  }
}
