package dev.uptake.core.settings;

import java.util.Optional;

/** The value type of a custom account dimension. */
public enum DimensionType {
  STRING("string"),
  NUMBER("number"),
  DATE("date");

  private final String id;

  DimensionType(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<DimensionType> fromId(String id) {
    for (DimensionType type : values()) {
      if (type.id.equals(id)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
