package dev.uptake.store;

import dev.uptake.core.ingest.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one processor commits at once in cluster mode.
 *
 * @param positions the batch's partitions, with the epoch they are held with and the offset to go
 *     on from after this commit
 * @param arrivals events new to the store, each with the seq it was given; inserting one that the
 *     store holds fails the commit ({@link DuplicateArrivalException})
 * @param rejections items ingest refused, for the event debugger
 * @param duplicates per workspace, events read whose messageId the store already held
 * @param changes what processing derived (the cursor fields are unused)
 */
public record ClusterBatch(
    String topic,
    List<PartitionPosition> positions,
    List<Arrival> arrivals,
    List<Rejection> rejections,
    Map<Long, Integer> duplicates,
    ProcessedBatch changes) {

  public ClusterBatch {
    Objects.requireNonNull(topic, "topic");
    positions = List.copyOf(positions);
    arrivals = List.copyOf(arrivals);
    rejections = List.copyOf(rejections);
    duplicates = Map.copyOf(duplicates);
    Objects.requireNonNull(changes, "changes");
  }

  /** An accepted event as ingest handed it over, numbered for the store. */
  public record Arrival(long seq, long workspaceId, Outcome.Accepted accepted) {

    public LoggedEvent logged() {
      return new LoggedEvent(seq, workspaceId, accepted.event());
    }
  }

  /** An item ingest refused, counted and kept for the debugger. */
  public record Rejection(long workspaceId, Instant receivedAt, IngestBatch.RejectedItem item) {}
}
