package dev.uptake.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/** A request body as {@link BodyParser} understood it: items to normalize, or malformed. */
public sealed interface Body {

  /** How the sender framed its events. */
  enum Shape {
    /** One JSON object: one event (a single-event request). */
    SINGLE,
    /** Segment's {@code {"batch":[…]}} object. */
    BATCH,
    /** A JSON array of events (Segment's Webhooks destination in batch mode). */
    ARRAY,
    /** Newline-delimited JSON objects. */
    NDJSON
  }

  /**
   * The items of a well-formed body, in order. Batch-level {@code context} and {@code
   * integrations} are already merged into each item.
   *
   * @param writeKey the {@code writeKey} the body carries (batch level, else the first item's), or
   *     null
   */
  record Parsed(Shape shape, List<Item> items, String writeKey) implements Body {
    public Parsed {
      Objects.requireNonNull(shape, "shape");
      items = List.copyOf(items);
    }
  }

  /** A body that is not JSON of any accepted framing; line and column are 1-based. */
  record Malformed(String reason, int line, int column) implements Body {
    public Malformed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** One element of a parsed body. */
  sealed interface Item {}

  /** A JSON value, to be normalized. */
  record Value(JsonNode node) implements Item {
    public Value {
      Objects.requireNonNull(node, "node");
    }
  }

  /** A line of newline-delimited JSON that is not JSON; the other lines still count. */
  record Unparsable(Rejection rejection, String raw) implements Item {
    public Unparsable {
      Objects.requireNonNull(rejection, "rejection");
      Objects.requireNonNull(raw, "raw");
    }
  }
}
