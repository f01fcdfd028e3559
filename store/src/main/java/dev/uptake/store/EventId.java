package dev.uptake.store;

import java.util.Objects;

/** What makes an event one event: its workspace and messageId. */
public record EventId(long workspaceId, String messageId) {

  public EventId {
    Objects.requireNonNull(messageId, "messageId");
  }
}
