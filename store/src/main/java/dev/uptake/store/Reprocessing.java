package dev.uptake.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Requests to recompute a workspace's derived state from its stored events, and how far each has
 * come. Processing clears the workspace's state and replays its events up to where the cursor
 * stood ({@link ProcessedBatch.Replay}), while later events are processed as usual.
 */
public interface Reprocessing {

  /**
   * One workspace's reprocessing.
   *
   * @param startedAt the request the replay under way answers (its {@code requestedAt}), or null before it starts
   * @param throughSeq the last log seq the replay covers: events after it were processed on the cleared state
   * @param nextSeq the replay has done the events up to this seq
   * @param done events replayed
   * @param total events to replay
   * @param finishedAt when the replay ended, or null
   */
  record Job(long workspaceId, Instant requestedAt, Instant startedAt, long throughSeq, long nextSeq, long done,
      long total, Instant finishedAt) {

    /** Requested, and not yet started (or requested again since it started). */
    public boolean waiting() {
      return startedAt == null || !startedAt.equals(requestedAt);
    }

    public boolean running() {
      return !waiting() && finishedAt == null;
    }

    /** "waiting", "running" or "done". */
    public String state() {
      return waiting() ? "waiting" : running() ? "running" : "done";
    }
  }

  /** Asks for a (new) reprocessing of the workspace; one under way starts over. */
  void request(long workspaceId, Instant now);

  Optional<Job> job(long workspaceId);

  /** The job processing should work on: one waiting to start, else one running; empty when none. */
  Optional<Job> next();
}
