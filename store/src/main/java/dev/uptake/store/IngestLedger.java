package dev.uptake.store;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** The read side of ingestion: counts and the latest events, for one workspace at a time. */
public interface IngestLedger {

  IngestStats stats(long workspaceId);

  /** Accepted events received at or after {@code since}, counted up to {@code cap} (the newest first). */
  long receivedSince(long workspaceId, Instant since, long cap);

  /**
   * Whether the workspace received an event in {@code [from, to)}: found by searching the log's
   * order, in which receipt times only grow (a cluster's processors number events nearly so).
   */
  boolean receivedBetween(long workspaceId, Instant from, Instant to);

  /** The latest {@code limit} entries matching {@code filter}, newest first. */
  List<DebugEntry> latest(long workspaceId, DebugEntry.Filter filter, int limit);

  /**
   * Accepted events matching {@code filter}, newest received first, starting below log seq
   * {@code beforeSeq} ({@code Long.MAX_VALUE} for the newest).
   */
  List<LoggedEvent> events(long workspaceId, EventFilter filter, long beforeSeq, int limit);

  /** The same events handed to {@code sink} one by one as they are read, for an export of any size. */
  void forEachEvent(long workspaceId, EventFilter filter, long beforeSeq, long limit, Consumer<LoggedEvent> sink);
}
