package dev.uptake.store.jdbc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When the rows a commit adds go into a small recent table and when those move into its big one
 * ({@link UsageCells}, {@link EventIndexes}): live traffic's commits go through the recent table,
 * which moves once it holds {@link #MOVE_EVERY} rows; a commit of {@link #STRAIGHT_FROM} rows or
 * more goes straight into the big one. When to move is no part of the state: a failed commit may
 * only delay a move, and after a restart the recent table may hold up to twice as many.
 */
final class RecentRows {

  /** Rows a recent table takes before they move (and one commit's more). */
  static final long MOVE_EVERY = 65_536;

  /**
   * A commit that brings at least this many rows (a replay's, a backlog's) writes them straight
   * into the big table: it touches that table's pages densely anyway, and through the recent one
   * its rows would be written twice (a 1M-event replay took a fifth longer).
   */
  static final int STRAIGHT_FROM = (int) (MOVE_EVERY / 4);

  private final AtomicLong sinceMove = new AtomicLong();

  /** Whether a commit of {@code rows} rows goes straight into the big table. */
  static boolean straight(int rows) {
    return rows >= STRAIGHT_FROM;
  }

  /**
   * Counts {@code rows} rows about to go into the recent table; true when the rows there before
   * them are due to move first.
   */
  boolean moveBefore(int rows) {
    boolean due = sinceMove.get() >= MOVE_EVERY;
    if (due) {
      sinceMove.set(0);
    }
    sinceMove.addAndGet(rows);
    return due;
  }
}
