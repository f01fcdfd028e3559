package dev.uptake.store;

import java.time.Instant;

/**
 * What a workspace has received, as counted when each batch was committed.
 *
 * @param received every event in every request, accepted or not
 * @param warnings optional fields dropped from accepted events
 * @param processed events the processing stage has consumed, failed ones included
 * @param failed events processing set aside because it failed on them (until a retry succeeds)
 * @param lastEventAt when the latest accepted event was received, or null
 */
public record IngestStats(
    long received,
    long accepted,
    long rejected,
    long duplicates,
    long warnings,
    long processed,
    long failed,
    Instant lastEventAt) {}
