package dev.uptake.store;

import dev.uptake.core.ingest.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one request brought for one workspace: events to store and rejections to record. Appended
 * in one transaction, so a request is durable all at once or not at all.
 */
public record IngestBatch(
    long workspaceId, Instant receivedAt, List<Outcome.Accepted> accepted, List<RejectedItem> rejected) {

  public IngestBatch {
    Objects.requireNonNull(receivedAt, "receivedAt");
    accepted = List.copyOf(accepted);
    rejected = List.copyOf(rejected);
  }

  /** A rejection with the position of its item in the request (0-based). */
  public record RejectedItem(int index, Outcome.Rejected rejected) {
    public RejectedItem {
      Objects.requireNonNull(rejected, "rejected");
    }
  }

  /** Items in the batch, accepted and rejected. */
  public int size() {
    return accepted.size() + rejected.size();
  }
}
