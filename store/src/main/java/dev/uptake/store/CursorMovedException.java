package dev.uptake.store;

/**
 * A processing commit found the cursor somewhere other than where its processor left it: another
 * process committed meanwhile. Nothing of the commit was written; the processor drops what it
 * holds in memory, reads the cursor again and goes on from there.
 */
public final class CursorMovedException extends StoreUnavailableException {
  private static final long serialVersionUID = 1L;

  public CursorMovedException(long expected, long found) {
    super("the processing cursor is at " + found + ", not at " + expected
        + " where this process left it: another process committed processing meanwhile", null);
  }
}
