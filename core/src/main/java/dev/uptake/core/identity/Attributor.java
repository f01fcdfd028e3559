package dev.uptake.core.identity;

import dev.uptake.core.event.Event;

/**
 * Which account an event counts for: the one it names ({@code groupId}, else {@code
 * context.groupId}, else {@code properties.groupId}; ingest reads them in that order), else the
 * account its user was last linked to. An event whose user has no link yet counts for its account
 * as soon as the link appears.
 */
public final class Attributor {

  private Attributor() {}

  /** The account id, or null while the event's account cannot be known. */
  public static String account(Event event, UserState user) {
    if (event.groupId() != null) {
      return event.groupId();
    }
    return user == null ? null : user.accountId();
  }
}
