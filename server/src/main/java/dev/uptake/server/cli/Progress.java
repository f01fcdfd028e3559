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
  private final long total;
  private final boolean terminal;
  /** What to say of the progress so far, given the measure done and the rate per second. */
  private final Description describe;
  private final long started = System.nanoTime();
  private long shownAt;
  private long done;

  /** Says where a long command is. */
  @FunctionalInterface
  interface Description {
    String of(long done, double perSecond);
  }

  /**
   * @param what the unit counted, plural ("rows")
   * @param total how many there are in all (0 when unknown)
   */
  Progress(PrintWriter err, String what, long total) {
    this(err, what, total, System.console() != null);
  }

  Progress(PrintWriter err, String what, long total, boolean terminal) {
    this(err, total, terminal, (done, rate) -> String.format(Locale.ROOT, "%,d%s %s, %,.0f/s", done,
        total > 0 ? String.format(Locale.ROOT, " of %,d", total) : "", what, rate));
  }

  /**
   * @param total the measure of the whole (bytes, rows) that the bar and the time left follow
   * @param describe what the line says before the time left
   */
  Progress(PrintWriter err, long total, boolean terminal, Description describe) {
    this.err = err;
    this.total = total;
    this.terminal = terminal;
    this.describe = describe;
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
    String counts = describe.of(done, rate);
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
