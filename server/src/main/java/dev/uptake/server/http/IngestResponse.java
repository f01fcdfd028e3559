package dev.uptake.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.uptake.store.Appended;
import dev.uptake.store.IngestBatch;
import java.util.List;

/**
 * The 200 answer to an ingestion request. Segment's convention: a request with some invalid
 * events still succeeds, and lists each refused event, so the sender does not retry good ones.
 *
 * @param accepted events stored now
 * @param duplicates events already stored earlier (same messageId); not stored again
 * @param rejected the refused events, by position in the request
 */
record IngestResponse(boolean success, int accepted, int duplicates, List<RejectedEvent> rejected) {

  /** One refused event: its 0-based position, its messageId when it had one, and why. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record RejectedEvent(int index, String messageId, String field, String reason) {}

  static IngestResponse of(Appended receipt, List<IngestBatch.RejectedItem> rejected) {
    List<RejectedEvent> events =
        rejected.stream()
            .map(
                item ->
                    new RejectedEvent(
                        item.index(),
                        item.rejected().messageId(),
                        item.rejected().rejection().field(),
                        item.rejected().rejection().reason()))
            .toList();
    return new IngestResponse(true, receipt.stored(), receipt.duplicates(), events);
  }
}
