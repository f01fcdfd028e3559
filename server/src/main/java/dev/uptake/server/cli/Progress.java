package dev.uptake.server.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Progress of a long command on stderr: a bar redrawn in place on a terminal, a plain line every
 * few seconds otherwise (a log file, CI), and the last state once done.
 */
final class Progress implements LongConsumer {

  private static final long LINE_EVERY_NANOS = 5_000_000_000L;
  private static final long REDRAW_EVERY_NANOS = 200_000_000L;
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final String what;
  private final long total;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private long shownAt;
  private long done;

  /**
   * @param what the unit counted, plural ("rows")
   * @param total how many there are in all (0 when unknown)
   */
  Progress(PrintWriter err, String what, long total) {
    this(err, what, total, System.console() != null);
  }

  Progress(PrintWriter err, String what, long total, boolean terminal) {
    this.err = err;
    this.what = what;
    this.total = total;
    this.terminal = terminal;
  }

  @Override
  public synchronized void accept(long soFar) {
    done = soFar;
    long now = System.nanoTime();
    if (now - shownAt >= (terminal ? REDRAW_EVERY_NANOS : LINE_EVERY_NANOS)) {
      show(now);
    }
  }

  /** Shows the final count and ends the line. */
  synchronized void finish() {
    show(System.nanoTime());
    if (terminal) {
      err.println();
      err.flush();
    }
  }

  private void show(long now) {
    shownAt = now;
    double seconds = Math.max(1e-9, (now - started) / 1e9);
    double rate = done / seconds;
    String counts = String.format(Locale.ROOT, "%,d%s %s, %,.0f/s", done, total > 0 ? String.format(Locale.ROOT, " of %,d", total)
        : "", what, rate);
    if (total > 0 && done < total && rate > 0) {
      counts += String.format(Locale.ROOT, ", %.0f s left", (total - done) / rate);
    }
    if (terminal) {
      int filled = total > 0 ? (int) Math.min(WIDTH, WIDTH * done / total) : 0;
      err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + counts + "   ");
    } else {
      err.println(counts);
    }
    err.flush();
  }
}
