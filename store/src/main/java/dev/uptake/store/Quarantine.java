package dev.uptake.store;

/**
 * The events processing set aside (see {@link ProcessingLog}), as admins see and retry them.
 * Thread-safe.
 */
public interface Quarantine {

  /** What a retry request found. */
  enum Retry {
    /** The event is failed and will be processed again shortly. */
    REQUESTED,
    /** The workspace has an event with that messageId, and it is not failed. */
    NOT_FAILED,
    /** The workspace has no event with that messageId. */
    UNKNOWN
  }

  /** Failed events of one workspace. */
  long count(long workspaceId);

  /** Failed events of every workspace. */
  long total();

  /** Asks processing to try the workspace's failed event {@code messageId} again. */
  Retry requestRetry(long workspaceId, String messageId);
}
