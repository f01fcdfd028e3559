package dev.uptake.store;

/**
 * An event of the batch was stored by another commit after the batch looked (the same messageId
 * arrived through another partition). Nothing was written; look up which events are new again.
 */
public class DuplicateArrivalException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DuplicateArrivalException(int expected, int inserted) {
    super(expected - inserted + " of " + expected + " events of the batch were stored meanwhile by another commit");
  }
}
