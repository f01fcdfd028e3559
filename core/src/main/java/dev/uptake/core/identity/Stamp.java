package dev.uptake.core.identity;

import dev.uptake.core.event.Event;
import java.util.Comparator;
import java.util.Objects;

/**
 * When a value was written: the event time, ties broken by messageId. A total order, so "the later
 * write wins" has one answer whatever the arrival order.
 */
public record Stamp(long eventTimeMillis, String messageId) implements Comparable<Stamp> {

  private static final Comparator<Stamp> ORDER =
      Comparator.comparingLong(Stamp::eventTimeMillis).thenComparing(Stamp::messageId);

  public Stamp {
    Objects.requireNonNull(messageId, "messageId");
  }

  public static Stamp of(Event event) {
    return new Stamp(event.eventTime().toEpochMilli(), event.messageId());
  }

  @Override
  public int compareTo(Stamp other) {
    return ORDER.compare(this, other);
  }

  public boolean isAfter(Stamp other) {
    return other == null || compareTo(other) > 0;
  }
}
