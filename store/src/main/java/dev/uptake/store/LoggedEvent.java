package dev.uptake.store;

import dev.uptake.core.event.Event;
import java.util.Objects;

/**
 * An event as the event log holds it.
 *
 * @param seq its position in the log: processing order
 */
public record LoggedEvent(long seq, long workspaceId, Event event) implements LogEntry {

  public LoggedEvent {
    Objects.requireNonNull(event, "event");
  }

  @Override
  public String messageId() {
    return event.messageId();
  }
}
