package dev.uptake.store;

import java.util.Objects;

/** An event processing set aside, with the error that made it fail. */
public record Quarantined(long seq, long workspaceId, String messageId, String error) {

  public Quarantined {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(error, "error");
  }
}
