package dev.uptake.core.identity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Named last-writer-wins registers. {@link #with} keeps whichever of the current and the new value
 * has the later {@link Stamp}, so merging is commutative and idempotent.
 */
public record Fields(Map<String, Stamped> values) {

  public static final Fields EMPTY = new Fields(Map.of());

  public Fields {
    values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** These fields with {@code name} set to {@code value} if {@code stamp} is later than its own. */
  public Fields with(String name, JsonNode value, Stamp stamp) {
    Stamped current = values.get(name);
    if (current != null && !stamp.isAfter(current.stamp())) {
      return this;
    }
    Map<String, Stamped> next = new TreeMap<>(values);
    next.put(name, new Stamped(value, stamp));
    return new Fields(next);
  }

  /** Both sets merged field by field, the later stamp winning. */
  public Fields merge(Fields other) {
    Fields merged = this;
    for (Map.Entry<String, Stamped> field : other.values.entrySet()) {
      merged = merged.with(field.getKey(), field.getValue().value(), field.getValue().stamp());
    }
    return merged;
  }

  /** The current value, empty when unset or cleared. */
  public Optional<JsonNode> value(String name) {
    Stamped stamped = values.get(name);
    return stamped == null || stamped.value().isNull() ? Optional.empty() : Optional.of(stamped.value());
  }

  public Optional<String> text(String name) {
    return value(name).map(JsonNode::asText);
  }
}
