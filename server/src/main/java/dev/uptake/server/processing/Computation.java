package dev.uptake.server.processing;

import dev.uptake.core.event.Event;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.ProfileCache;
import dev.uptake.core.identity.UserState;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * What a workspace's events change, computed by the {@link Pipeline} against the users, accounts
 * and sessions as the store holds them plus every change computed since and not committed yet:
 * so a batch can be computed while the one before it commits. Both processors use it: the embedded
 * one reading the store's log, the cluster one reading Kafka.
 *
 * <p>Each batch is computed in a <em>generation</em>; what it changes is held (pinned) until
 * {@link #committed(long)} says its generation is in the store, and then, where this process is
 * the store's only writer, in the {@link ProfileCache}. After a commit that failed, or another
 * process's, {@link #forget} drops everything held. Used by one thread.
 */
final class Computation {

  private record Key(long workspaceId, String id) {}

  /** A user's or account's state changed in {@code generation}, not committed yet. */
  private record Pinned<T>(T state, long generation) {}

  private final Profiles profiles;
  private final SettingsStore settings;
  private final Usage usage;
  private final Pipeline pipeline;
  private final SessionCache sessionCache;
  private final ProfileCache profileCache;
  private final Map<Key, Pinned<UserState>> users = new HashMap<>();
  private final Map<Key, Pinned<AccountState>> accounts = new HashMap<>();
  private long generation = 1;

  Computation(Profiles profiles, SettingsStore settings, Usage usage, Pipeline pipeline, SessionCache sessionCache,
      ProfileCache profileCache) {
    this.profiles = profiles;
    this.settings = settings;
    this.usage = usage;
    this.pipeline = pipeline;
    this.sessionCache = sessionCache;
    this.profileCache = profileCache;
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
    WorkingSet working = new WorkingSet(
        current(workspaceId, userIds, users, (id, ids) -> profileCache.users(id, ids, profiles::users)),
        current(workspaceId, accountIds, accounts, (id, ids) -> profileCache.accounts(id, ids, profiles::accounts)));
    Pipeline.Result result = pipeline.process(
        events, workspaceSettings, working, sessionCache.over(workspaceId, generation, usage.sessions(workspaceId)));
    sessionCache.applied(workspaceId, generation, result.sessions().changes());
    working.changedUsers().forEach(user -> users.put(new Key(workspaceId, user.userId()), new Pinned<>(user, generation)));
    working.changedAccounts().forEach(
        account -> accounts.put(new Key(workspaceId, account.accountId()), new Pinned<>(account, generation)));
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

  /** The states of {@code ids}: those changed and not committed yet, the stored ones for the rest. */
  private static <T> Map<String, T> current(long workspaceId, Collection<String> ids, Map<Key, Pinned<T>> pinned,
      BiFunction<Long, Collection<String>, Map<String, T>> stored) {
    Map<String, T> states = new HashMap<>();
    List<String> toLoad = new ArrayList<>();
    for (String id : ids) {
      Pinned<T> held = pinned.isEmpty() ? null : pinned.get(new Key(workspaceId, id));
      if (held == null) {
        toLoad.add(id);
      } else {
        states.put(id, held.state());
      }
    }
    if (!toLoad.isEmpty()) {
      states.putAll(stored.apply(workspaceId, toLoad));
    }
    return states;
  }

  /** Ends the generation of the batches computed so far (to commit them together); returns it. */
  long seal() {
    return generation++;
  }

  /** What the batches of {@code sealed} and every generation before it changed is in the store now. */
  void committed(long sealed) {
    sessionCache.committed(sealed);
    release(users, sealed, profileCache::committed);
    release(accounts, sealed, profileCache::committed);
  }

  /** Unpins the states of {@code sealed} and before, handing each to {@code stored}: they are the store's now. */
  private static <T> void release(Map<Key, Pinned<T>> pinned, long sealed, BiConsumer<Long, T> stored) {
    pinned.entrySet().removeIf(entry -> {
      boolean committed = entry.getValue().generation() <= sealed;
      if (committed) {
        stored.accept(entry.getKey().workspaceId(), entry.getValue().state());
      }
      return committed;
    });
  }

  /** Everything computed so far is committed: for a processor that commits each batch before the next. */
  void committed() {
    committed(seal());
  }

  /** Forgets what is held: a commit may or may not have happened, or another process wrote. */
  void forget() {
    sessionCache.clear();
    profileCache.clear();
    users.clear();
    accounts.clear();
  }

  /** The same changes, counting no event as processed (a retry, or a part of a batch). */
  static ProcessedBatch.WorkspaceChanges withoutCount(ProcessedBatch.WorkspaceChanges changes) {
    return new ProcessedBatch.WorkspaceChanges(changes.workspaceId(), 0, changes.users(), changes.accounts(),
        changes.warnings(), changes.sessions(), changes.usageDeltas());
  }
}
