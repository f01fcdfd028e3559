package dev.uptake.server.processing;

import dev.uptake.core.event.Event;
import dev.uptake.core.identity.WorkingSet;
import dev.uptake.core.ingest.Warning;
import dev.uptake.core.pipeline.Pipeline;
import dev.uptake.core.sessions.SessionCache;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.store.LoggedEvent;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.Profiles;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a workspace's events change, computed by the {@link Pipeline} against the stored users,
 * accounts and sessions (the sessions this processor committed last are kept in memory). Both
 * processors use it: the embedded one reading the store's log, the cluster one reading Kafka.
 */
final class Computation {

  private final Profiles profiles;
  private final SettingsStore settings;
  private final Usage usage;
  private final Pipeline pipeline;
  private final SessionCache sessionCache;

  Computation(Profiles profiles, SettingsStore settings, Usage usage, Pipeline pipeline, SessionCache sessionCache) {
    this.profiles = profiles;
    this.settings = settings;
    this.usage = usage;
    this.pipeline = pipeline;
    this.sessionCache = sessionCache;
  }

  /** The changes {@code logged} (events of {@code workspaceId}) make, counting them as processed. */
  ProcessedBatch.WorkspaceChanges of(long workspaceId, List<LoggedEvent> logged) {
    WorkspaceSettings workspaceSettings = settings.get(workspaceId);
    Set<String> userIds = new HashSet<>();
    Set<String> accountIds = new HashSet<>();
    List<Event> events = new ArrayList<>(logged.size());
    for (LoggedEvent entry : logged) {
      Event event = entry.event();
      events.add(event);
      userIds.add(event.userId());
      // Another mapping may name other accounts: those are the ones to load.
      Event seen = workspaceSettings.mapping().isDefault() ? event : pipeline.seen(event, workspaceSettings);
      if (seen != null && seen.groupId() != null) {
        accountIds.add(seen.groupId());
      }
    }
    WorkingSet working =
        new WorkingSet(profiles.users(workspaceId, userIds), profiles.accounts(workspaceId, accountIds));
    Pipeline.Result result =
        pipeline.process(events, workspaceSettings, working, sessionCache.over(workspaceId, usage.sessions(workspaceId)));
    Map<Long, List<Warning>> warnings = new HashMap<>();
    for (int i = 0; i < logged.size(); i++) {
      if (!result.warnings().get(i).isEmpty()) {
        warnings.put(logged.get(i).seq(), result.warnings().get(i));
      }
    }
    return new ProcessedBatch.WorkspaceChanges(
        workspaceId, logged.size(), List.copyOf(working.changedUsers()), List.copyOf(working.changedAccounts()),
        warnings, result.sessions().changes(), result.sessions().deltas());
  }

  /** The changes are committed: their sessions are what the store holds now. */
  void committed(List<ProcessedBatch.WorkspaceChanges> changes) {
    changes.forEach(change -> sessionCache.committed(change.workspaceId(), change.sessions()));
  }

  /** Forgets the sessions held: a commit may or may not have happened, or another process wrote. */
  void forget() {
    sessionCache.clear();
  }

  /** The same changes, counting no event as processed (a retry, or a part of a batch). */
  static ProcessedBatch.WorkspaceChanges withoutCount(ProcessedBatch.WorkspaceChanges changes) {
    return new ProcessedBatch.WorkspaceChanges(changes.workspaceId(), 0, changes.users(), changes.accounts(),
        changes.warnings(), changes.sessions(), changes.usageDeltas());
  }
}
