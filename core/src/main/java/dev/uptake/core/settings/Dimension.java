package dev.uptake.core.settings;

import java.util.Objects;

/**
 * A custom account dimension: the trait at {@code trait} (a dotted path inside {@code traits}) of
 * every {@code source} call, typed as {@code type}, kept on the account as {@code name}. An
 * identify-sourced dimension lands on the account of the user.
 */
public record Dimension(String name, DimensionType type, Source source, String trait) {

  /** The call a dimension is read from. */
  public enum Source {
    GROUP("group"),
    IDENTIFY("identify");

    private final String id;

    Source(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  public Dimension {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(trait, "trait");
  }
}
