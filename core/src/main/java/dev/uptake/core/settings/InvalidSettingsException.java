package dev.uptake.core.settings;

/** Settings that cannot be used; {@link #field()} names the culprit (dotted, with indexes). */
public final class InvalidSettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidSettingsException(String field, String reason) {
    super(reason);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
