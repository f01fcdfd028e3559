package dev.uptake.store;

/**
 * Commits what processing derived from the log: users, accounts, sessions, usage, set-aside
 * events and the cursor, in one transaction per {@link ProcessedBatch}. Separate from the log it
 * was read from ({@link ProcessingLog}), so the same state can be fed by another log.
 */
public interface StateWriter {

  /**
   * Whether this process may process now. A store that several processes share lets one at a
   * time; the others stand by and ask again. A claim can be lost (a dropped connection), which the
   * next commit finds out ({@link CursorMovedException}).
   */
  default boolean claim() {
    return true;
  }

  /**
   * A number that rows written by later processing commits exceed: a reader that has seen
   * everything up to version v loads what changed after v ({@link Profiles#changed}). Rows of a
   * commit are never visible before this number passes them, however commits of several writers
   * interleave.
   */
  long version();

  /**
   * Writes a batch's changes, set-aside events and the new cursor atomically. Users and accounts
   * are merged field by field with what is stored, usage cells added as deltas, so commits of
   * several processes lose nothing of each other.
   *
   * @throws CursorMovedException when the cursor is not at {@code batch.from()}; nothing is written
   */
  void commit(ProcessedBatch batch);
}
