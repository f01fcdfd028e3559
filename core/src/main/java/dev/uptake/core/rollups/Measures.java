package dev.uptake.core.rollups;

/** What a cell sums: events, session starts, and time in milliseconds (raw and active). */
public record Measures(long events, long sessions, long durationMillis, long activeMillis) {

  public static final Measures ZERO = new Measures(0, 0, 0, 0);

  public Measures plus(Measures other) {
    return new Measures(
        events + other.events, sessions + other.sessions, durationMillis + other.durationMillis,
        activeMillis + other.activeMillis);
  }

  public Measures minus(Measures other) {
    return new Measures(
        events - other.events, sessions - other.sessions, durationMillis - other.durationMillis,
        activeMillis - other.activeMillis);
  }

  public boolean isZero() {
    return equals(ZERO);
  }
}
