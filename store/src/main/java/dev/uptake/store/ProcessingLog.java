package dev.uptake.store;

import java.time.Instant;
import java.util.List;

/**
 * The event log as the processing stage consumes it: in seq order, from a durable cursor, with
 * the events it set aside. One processor at a time consumes it ({@link StateWriter#claim}).
 */
public interface ProcessingLog {

  /** The seq of the last event whose processing is committed (0 before any). */
  long cursor();

  /**
   * Up to {@code limit} log entries after {@code seq}, in order, ending with the first whose
   * payload brings the entries' payloads to {@code maxBytes} (so at least one).
   */
  List<LogEntry> readAfter(long seq, int limit, long maxBytes);

  /**
   * A workspace's events after {@code afterSeq} up to {@code throughSeq}, in order, as {@link
   * #readAfter} bounds them, leaving out those set aside: what a reprocessing replays.
   */
  List<LogEntry> readWorkspace(long workspaceId, long afterSeq, long throughSeq, int limit, long maxBytes);

  /** How many events of the workspace up to {@code throughSeq} are not set aside. */
  long count(long workspaceId, long throughSeq);

  /** Up to {@code limit} set-aside events an admin asked to retry, in seq order. */
  List<LogEntry> retries(int limit);

  /** The seq of the newest event in the log (0 when empty), for the processing lag. */
  long lastSeq();

  /** When the oldest event after {@code seq} was received; null when there is none. */
  Instant receivedAfter(long seq);
}
