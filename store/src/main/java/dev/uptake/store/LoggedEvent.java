package dev.uptake.store;

import dev.uptake.core.event.Event;
import dev.uptake.core.ingest.Warning;
import java.util.List;
import java.util.Objects;

/**
 * An event as the event log holds it.
 *
 * @param seq its position in the log: processing order
 * @param warnings what ingest already noted about it
 */
public record LoggedEvent(long seq, long workspaceId, Event event, List<Warning> warnings) {

  public LoggedEvent {
    Objects.requireNonNull(event, "event");
    warnings = List.copyOf(warnings);
  }
}
