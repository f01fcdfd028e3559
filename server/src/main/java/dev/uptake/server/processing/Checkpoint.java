package dev.uptake.server.processing;

import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.ingest.Warning;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.sessions.SessionMerge;
import dev.uptake.store.LogEntry;
import dev.uptake.store.LoggedEvent;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.Quarantined;
import dev.uptake.store.UnreadableEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Batches of the log computed one after another and committed as one: a checkpoint. What they
 * change is merged first, so a row several batches touch is written once: a user's or account's
 * latest state, a session key's sessions as the last batch left them ({@link SessionMerge.Change#then}),
 * a usage cell's deltas summed. The commit moves the cursor over all of them, so a crash before it
 * processes them all again and a crash after it none.
 */
final class Checkpoint {

  private final long from;
  private long through;
  private int events;
  private final Map<Long, Merged> workspaces = new LinkedHashMap<>();
  private final List<ProcessedBatch.Passed> passed = new ArrayList<>();
  private final List<Quarantined> unreadable = new ArrayList<>();

  /** @param from the cursor before the checkpoint's first batch */
  Checkpoint(long from) {
    this.from = from;
    this.through = from;
  }

  /** Adds a batch: its entries (up to {@code through}) and what its events change, per workspace. */
  void add(List<LogEntry> entries, List<ProcessedBatch.WorkspaceChanges> changes) {
    for (LogEntry entry : entries) {
      if (entry instanceof LoggedEvent logged) {
        passed.add(ProcessedBatch.Passed.of(logged));
      } else {
        unreadable.add(Processor.quarantined(entry, ((UnreadableEvent) entry).problem()));
      }
    }
    changes.forEach(change -> workspaces.computeIfAbsent(change.workspaceId(), Merged::new).add(change));
    through = entries.get(entries.size() - 1).seq();
    events += entries.size();
  }

  boolean isEmpty() {
    return events == 0;
  }

  int events() {
    return events;
  }

  long through() {
    return through;
  }

  /** Entries of the log this version cannot read: set aside by the commit. */
  int unreadable() {
    return unreadable.size();
  }

  /** The one commit of every batch added. */
  ProcessedBatch commit() {
    List<ProcessedBatch.WorkspaceChanges> changes = new ArrayList<>(workspaces.size());
    workspaces.values().forEach(merged -> changes.add(merged.changes()));
    return new ProcessedBatch(from, through, changes, unreadable, Set.of(), passed);
  }

  /** One workspace's changes over the checkpoint's batches. */
  private static final class Merged {
    private final long workspaceId;
    private int processed;
    private final Map<String, UserState> users = new LinkedHashMap<>();
    private final Map<String, AccountState> accounts = new LinkedHashMap<>();
    private final Map<Long, List<Warning>> warnings = new HashMap<>();
    private final Map<String, SessionMerge.Change> sessions = new LinkedHashMap<>();
    private final Map<Cell, Measures> usage = new HashMap<>();

    Merged(long workspaceId) {
      this.workspaceId = workspaceId;
    }

    void add(ProcessedBatch.WorkspaceChanges changes) {
      processed += changes.processed();
      changes.users().forEach(user -> users.put(user.userId(), user));
      changes.accounts().forEach(account -> accounts.put(account.accountId(), account));
      warnings.putAll(changes.warnings());
      for (SessionMerge.Change change : changes.sessions()) {
        sessions.merge(change.added().get(0).sessionKey(), change, SessionMerge.Change::then);
      }
      changes.usageDeltas().forEach((cell, delta) -> usage.merge(cell, delta, Measures::plus));
    }

    ProcessedBatch.WorkspaceChanges changes() {
      usage.values().removeIf(Measures::isZero); // undone within the checkpoint: the stored cell stays as it is
      return new ProcessedBatch.WorkspaceChanges(workspaceId, processed, List.copyOf(users.values()),
          List.copyOf(accounts.values()), warnings, List.copyOf(sessions.values()), usage);
    }
  }
}
