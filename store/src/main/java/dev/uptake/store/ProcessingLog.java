package dev.uptake.store;

import java.util.List;

/**
 * The event log as the processing stage consumes it: in seq order, from a durable cursor. Only
 * one processor consumes a store at a time.
 */
public interface ProcessingLog {

  /** The seq of the last event whose processing is committed (0 before any). */
  long cursor();

  /** Up to {@code limit} events after {@code seq}, in order. */
  List<LoggedEvent> readAfter(long seq, int limit);

  /** The seq of the newest event in the log (0 when empty), for the processing lag. */
  long lastSeq();

  /** Writes a batch's changes and moves the cursor to its last seq, atomically. */
  void commit(ProcessedBatch batch);
}
