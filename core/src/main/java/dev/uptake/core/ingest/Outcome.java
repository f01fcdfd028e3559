package dev.uptake.core.ingest;

import dev.uptake.core.event.Event;
import java.util.List;
import java.util.Objects;

/** What became of one item of a request: accepted (maybe with warnings) or rejected. */
public sealed interface Outcome {

  /** An event that passed validation; {@code warnings} name the optional fields dropped. */
  record Accepted(Event event, List<Warning> warnings) implements Outcome {
    public Accepted {
      Objects.requireNonNull(event, "event");
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * An item that was refused.
   *
   * @param messageId the sender's messageId when it had a usable one, else null
   * @param payload the item as received (cut to a few KB), for the event debugger
   */
  record Rejected(String messageId, Rejection rejection, String payload) implements Outcome {
    public Rejected {
      Objects.requireNonNull(rejection, "rejection");
      Objects.requireNonNull(payload, "payload");
    }
  }
}
