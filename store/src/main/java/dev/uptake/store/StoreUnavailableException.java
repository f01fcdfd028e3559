package dev.uptake.store;

/**
 * The store cannot do what was asked now (disk full, database locked, shutting down). Nothing of
 * the failed call was committed, so repeating it later is safe.
 */
public class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
