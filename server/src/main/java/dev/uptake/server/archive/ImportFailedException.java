package dev.uptake.server.archive;

/** An import that cannot go on: the server refused the key or a batch, or stayed unreachable; the message says what to do. */
public final class ImportFailedException extends RuntimeException {

  public ImportFailedException(String message) {
    super(message);
  }
}
