package dev.uptake.core.mapping;

/** A mapping that cannot be used; {@link #field()} names the entry ({@code module[1]}, {@code rename.Dash Viewed}). */
public final class InvalidMappingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidMappingException(String field, String reason) {
    super(reason);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
