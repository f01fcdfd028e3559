package dev.uptake.core.identity;

import java.time.Instant;

/** The first and last event times seen; merging takes the min and the max, in any order. */
public record Activity(Instant first, Instant last) {

  public static final Activity NONE = new Activity(null, null);

  public Activity including(Instant time) {
    Instant newFirst = first == null || time.isBefore(first) ? time : first;
    Instant newLast = last == null || time.isAfter(last) ? time : last;
    return newFirst == first && newLast == last ? this : new Activity(newFirst, newLast);
  }

  public Activity merge(Activity other) {
    Activity merged = this;
    if (other.first != null) {
      merged = merged.including(other.first);
    }
    if (other.last != null) {
      merged = merged.including(other.last);
    }
    return merged;
  }
}
