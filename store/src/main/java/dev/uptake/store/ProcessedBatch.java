package dev.uptake.store;

import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.ingest.Warning;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.sessions.SessionMerge;
import java.util.List;
import java.util.Map;

/**
 * What processing one batch of the log changed, committed with the new cursor in one transaction:
 * after a crash the batch is processed again, never half-applied.
 *
 * @param lastSeq the last log seq the batch covers
 */
public record ProcessedBatch(long lastSeq, List<WorkspaceChanges> workspaces) {

  public ProcessedBatch {
    workspaces = List.copyOf(workspaces);
  }

  /**
   * One workspace's share of a batch.
   *
   * @param processed events of the workspace in the batch
   * @param warnings warnings processing raised, by event seq (ingest's stay with the event)
   * @param sessions stored sessions to replace, and their replacements
   * @param usageDeltas what to add to each daily usage cell
   */
  public record WorkspaceChanges(
      long workspaceId,
      int processed,
      List<UserState> users,
      List<AccountState> accounts,
      Map<Long, List<Warning>> warnings,
      List<SessionMerge.Change> sessions,
      Map<Cell, Measures> usageDeltas) {

    public WorkspaceChanges {
      sessions = List.copyOf(sessions);
      usageDeltas = Map.copyOf(usageDeltas);
      users = List.copyOf(users);
      accounts = List.copyOf(accounts);
      warnings = Map.copyOf(warnings);
    }
  }
}
