package dev.uptake.core.rollups;

/**
 * What a cell sums: events, session starts, and time in milliseconds (raw and active), with the
 * part of the active time a collector measured (the rest is estimated from gaps between events).
 */
public record Measures(long events, long sessions, long durationMillis, long activeMillis, long measuredMillis) {

  public static final Measures ZERO = new Measures(0, 0, 0, 0, 0);

  /** Measures with no measured time. */
  public Measures(long events, long sessions, long durationMillis, long activeMillis) {
    this(events, sessions, durationMillis, activeMillis, 0);
  }

  public Measures plus(Measures other) {
    return new Measures(
        events + other.events, sessions + other.sessions, durationMillis + other.durationMillis,
        activeMillis + other.activeMillis, measuredMillis + other.measuredMillis);
  }

  public Measures minus(Measures other) {
    return new Measures(
        events - other.events, sessions - other.sessions, durationMillis - other.durationMillis,
        activeMillis - other.activeMillis, measuredMillis - other.measuredMillis);
  }

  public boolean isZero() {
    return equals(ZERO);
  }

  /** "measured" when most of the active time was measured, else "estimated". */
  public String timeSource() {
    return measuredMillis > 0 && measuredMillis * 2 >= activeMillis ? "measured" : "estimated";
  }
}
