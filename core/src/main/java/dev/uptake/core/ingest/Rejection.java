package dev.uptake.core.ingest;

import java.util.Objects;

/**
 * Why an event was refused: the field at fault and a sentence that says what was wrong and what
 * is expected. Senders see it in the response and admins in the event debugger.
 *
 * @param field the event's field, dotted for nested ones ({@code properties.module}), or {@code
 *     event} / {@code body} for the whole thing
 * @param tooLarge true when the event is over {@link Limits#MAX_EVENT_BYTES}
 */
public record Rejection(String field, String reason, boolean tooLarge) {

  public Rejection {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(reason, "reason");
  }

  /** A missing or invalid field. */
  public static Rejection invalid(String field, String reason) {
    return new Rejection(field, reason, false);
  }
}
