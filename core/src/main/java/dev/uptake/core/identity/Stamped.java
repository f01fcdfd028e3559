package dev.uptake.core.identity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** A value and when it was written. JSON null means the sender cleared the field. */
public record Stamped(JsonNode value, Stamp stamp) {

  public Stamped {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(stamp, "stamp");
  }
}
