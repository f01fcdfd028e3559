package dev.uptake.core.ingest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Parses the ISO-8601 times senders write: a date, a time and an offset ({@code Z}, {@code +02:00} or {@code +0200}). */
final class EventTimes {

  private static final DateTimeFormatter ISO_WITH_OFFSET =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .optionalStart()
          .appendOffset("+HH:MM:ss", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .toFormatter();

  private EventTimes() {}

  /** The instant {@code text} names, or empty when it is not an ISO-8601 date-time with offset. */
  static Optional<Instant> parse(String text) {
    try {
      return Optional.of(OffsetDateTime.parse(text, ISO_WITH_OFFSET).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
