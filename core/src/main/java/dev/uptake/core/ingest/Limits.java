package dev.uptake.core.ingest;

/** Size limits of Segment's HTTP Tracking API, which senders already respect. */
public final class Limits {
  /** Largest event, serialized: 32 KB. */
  public static final int MAX_EVENT_BYTES = 32 * 1024;

  /** Largest request body, after decompression: 500 KB. */
  public static final int MAX_REQUEST_BYTES = 500 * 1024;

  /** Longest id (userId, anonymousId, groupId, messageId) in characters. */
  public static final int MAX_ID_CHARS = 1024;

  private Limits() {}
}
