package dev.uptake.store;

import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.ingest.Warning;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.sessions.SessionMerge;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What processing some events changed, committed with the cursor in one transaction: after a
 * crash the events are processed again, never half-applied.
 *
 * @param from the log seq the processor believes the cursor stands at: the commit fails with {@link
 *     CursorMovedException}, changing nothing, when another process moved it meanwhile
 * @param cursor the log seq processing is done with after this commit (the current one when the
 *     commit only retries or narrows down events already passed)
 * @param quarantined events set aside: their processing failed
 * @param released seqs of set-aside events that a retry has now processed
 * @param passed the events the cursor passes with this commit, for the indexes by user and by
 *     account (failed ones too: they are in the log)
 * @param replay a workspace's reprocessing that this commit starts or moves on, or null
 */
public record ProcessedBatch(
    long from, long cursor, List<WorkspaceChanges> workspaces, List<Quarantined> quarantined, Set<Long> released,
    List<Passed> passed, Replay replay) {

  public ProcessedBatch {
    workspaces = List.copyOf(workspaces);
    quarantined = List.copyOf(quarantined);
    released = Set.copyOf(released);
    passed = List.copyOf(passed);
  }

  public ProcessedBatch(
      long from, long cursor, List<WorkspaceChanges> workspaces, List<Quarantined> quarantined, Set<Long> released,
      List<Passed> passed) {
    this(from, cursor, workspaces, quarantined, released, passed, null);
  }

  /** The same commit, also starting or moving on {@code newReplay}. */
  public ProcessedBatch with(Replay newReplay) {
    return new ProcessedBatch(from, cursor, workspaces, quarantined, released, passed, newReplay);
  }

  /** What a commit does to a workspace's reprocessing ({@link Reprocessing}). */
  public sealed interface Replay {
    long workspaceId();

    /**
     * The workspace's derived state is cleared (users, accounts, sessions, usage, processing's
     * warnings), and its events up to {@code throughSeq} are to be replayed.
     *
     * @param request the request this answers (its {@code requestedAt})
     */
    record Start(long workspaceId, Instant request, long throughSeq, long total) implements Replay {}

    /**
     * The replay of {@code request} has done the events up to {@code nextSeq}, {@code done} more of them.
     *
     * @param finishedAt when it ended with this commit, or null
     */
    record Progress(long workspaceId, Instant request, long nextSeq, int done, Instant finishedAt) implements Replay {}
  }

  /** Changes that move the cursor from {@code from} to {@code cursor}, passing {@code passed}, and set nothing aside. */
  public ProcessedBatch(long from, long cursor, List<WorkspaceChanges> workspaces, List<Passed> passed) {
    this(from, cursor, workspaces, List.of(), Set.of(), passed, null);
  }

  /** Changes that pass no new events, the cursor staying at {@code cursor}: a retry, a step of narrowing down, a probe. */
  public ProcessedBatch(long cursor, List<WorkspaceChanges> workspaces) {
    this(cursor, cursor, workspaces, List.of(), Set.of(), List.of(), null);
  }

  /** An event the cursor passes: where the events API finds it by user and by the account it names. */
  public record Passed(long seq, long workspaceId, String userId, String accountId) {

    public static Passed of(LoggedEvent logged) {
      return new Passed(logged.seq(), logged.workspaceId(), logged.event().userId(), logged.event().groupId());
    }
  }

  /**
   * One workspace's share of a batch.
   *
   * @param processed events of the workspace the cursor passes with this commit
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

    /** Only a count: the cursor passes {@code processed} events of the workspace, nothing else changes. */
    public static WorkspaceChanges counted(long workspaceId, int processed) {
      return new WorkspaceChanges(workspaceId, processed, List.of(), List.of(), Map.of(), List.of(), Map.of());
    }
  }
}
