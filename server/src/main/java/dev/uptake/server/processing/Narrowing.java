package dev.uptake.server.processing;

import dev.uptake.store.LoggedEvent;
import dev.uptake.store.Quarantined;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds the events a failing batch fails on, by halving: each workspace's events are committed on
 * their own, a part that fails is split in two and each half tried again, down to single events.
 * What commits stays committed (processing is idempotent, so the cursor need not move with it);
 * a single event that still fails, while the store works, is returned to be set aside. Work
 * grows with the batch times the logarithm of its size, and only on the rare failing batch.
 */
final class Narrowing {

  /** A batch whose every event fails (a workspace's settings no longer parse) probes this often at most. */
  private static final long PROBE_EVERY_NANOS = 1_000_000_000L;

  private final Consumer<List<LoggedEvent>> commitPart;
  private final Consumer<Throwable> probeStore;
  private long probedAt = System.nanoTime() - PROBE_EVERY_NANOS;

  /**
   * @param commitPart commits one workspace's events without moving the cursor, or throws
   * @param probeStore throws its argument when the store itself fails, so nothing is set aside for it
   */
  Narrowing(Consumer<List<LoggedEvent>> commitPart, Consumer<Throwable> probeStore) {
    this.commitPart = commitPart;
    this.probeStore = probeStore;
  }

  /** Commits what can be committed of each workspace's events; returns the events that fail. */
  List<Quarantined> run(Collection<List<LoggedEvent>> byWorkspace) {
    List<Quarantined> failed = new ArrayList<>();
    byWorkspace.forEach(events -> narrow(events, failed));
    return failed;
  }

  private void narrow(List<LoggedEvent> events, List<Quarantined> failed) {
    try {
      commitPart.accept(events);
    } catch (RuntimeException | StackOverflowError e) {
      if (events.size() > 1) {
        int half = events.size() / 2;
        narrow(events.subList(0, half), failed);
        narrow(events.subList(half, events.size()), failed);
      } else {
        if (System.nanoTime() - probedAt >= PROBE_EVERY_NANOS) {
          probeStore.accept(e);
          probedAt = System.nanoTime();
        }
        failed.add(Processor.quarantined(events.get(0), describe(e)));
      }
    }
  }

  /** The error as an admin reads it in the debugger: its type, message and where it arose. */
  static String describe(Throwable e) {
    StringBuilder text = new StringBuilder(e.toString());
    StackTraceElement[] trace = e.getStackTrace();
    if (trace.length > 0) {
      text.append(" at ").append(trace[0]);
    }
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      text.append("; caused by ").append(cause);
    }
    return text.length() <= 2_000 ? text.toString() : text.substring(0, 2_000) + "…";
  }
}
