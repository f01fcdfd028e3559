package dev.uptake.store;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The durable, ordered log of accepted events. Appends from concurrent requests are committed
 * together (group commit), so durability costs one sync per group, not per event.
 */
public interface EventLog {

  /**
   * Appends a batch. The future completes with a receipt once the batch is committed to disk, or
   * exceptionally with {@link StoreUnavailableException}, in which case nothing of it was stored.
   * Events whose messageId the workspace already has are counted as duplicates and not stored
   * again.
   */
  CompletableFuture<Appended> append(IngestBatch batch);

  /**
   * The error that stopped the log's writer, after which every append fails; empty while it
   * works. The process is expected to exit and be restarted.
   */
  default Optional<Throwable> failure() {
    return Optional.empty();
  }

  /**
   * How the writer groups appends, for {@code /metrics}.
   *
   * @param queued requests waiting for the writer now
   * @param groups groups committed so far
   * @param requests requests in those groups (so requests ÷ groups is the mean group size)
   */
  record WriterStats(int queued, long groups, long requests) {}

  default WriterStats writerStats() {
    return new WriterStats(0, 0, 0);
  }
}
