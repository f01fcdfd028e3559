package dev.uptake.server.query;

import dev.uptake.server.http.ApiError;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Query parameters several routes and pages share, each refused with a 400 that names it. */
public final class QueryParams {

  private QueryParams() {}

  /** {@code limit}: a whole number from 1 to {@code max}, {@code fallback} when absent. */
  public static int limit(Context ctx, int fallback, int max) {
    String text = ctx.queryParam("limit");
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      int limit = Integer.parseInt(text.trim());
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.of(400, "invalid_parameter", "limit", "limit must be a whole number from 1 to " + max + "; was '" + text + "'")
        .exception();
  }

  static final int DEFAULT_DAYS = 30;
  static final int MAX_DAYS = 366;

  /** The first and last day a query may name: no event time lies outside them, and no day arithmetic overflows. */
  static final LocalDate FIRST_DAY = LocalDate.of(1970, 1, 1);
  static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);

  /** An inclusive range of days in the workspace's time zone. */
  public record Days(LocalDate from, LocalDate to) {}

  /**
   * {@code from} and {@code to} ({@code YYYY-MM-DD}, inclusive); by default the 30 days ending
   * today. The API and the web pages read ranges with this one rule.
   */
  public static Days days(Context ctx, ZoneId zone, Clock clock) {
    LocalDate to = day(ctx, "to", LocalDate.ofInstant(clock.instant(), zone));
    LocalDate from = day(ctx, "from", to.minusDays(DEFAULT_DAYS - 1));
    if (from.isAfter(to)) {
      throw ApiError.of(400, "invalid_parameter", "from", "from (" + from + ") is after to (" + to + ")").exception();
    }
    if (from.plusDays(MAX_DAYS).isBefore(to.plusDays(1))) {
      throw ApiError.of(400, "invalid_parameter", "from", "a range is at most " + MAX_DAYS + " days").exception();
    }
    return new Days(from, to);
  }

  private static LocalDate day(Context ctx, String name, LocalDate fallback) {
    String text = ctx.queryParam(name);
    return text == null || text.isBlank() ? fallback : day(name, text);
  }

  /** A day as {@code YYYY-MM-DD} from 1970-01-01 to 9999-12-31. */
  static LocalDate day(String name, String text) {
    LocalDate day;
    try {
      day = LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw ApiError.of(400, "invalid_parameter", name, name + " must be a day as YYYY-MM-DD; was '" + text + "'").exception();
    }
    return inRange(name, day);
  }

  /**
   * A day ({@code YYYY-MM-DD}: its start in {@code zone}, or for an {@code end} the start of the
   * next) or an ISO-8601 date-time with an offset, from 1970 to 9999.
   */
  public static Instant dayOrTime(String name, String text, ZoneId zone, boolean end) {
    try {
      LocalDate day = inRange(name, LocalDate.parse(text));
      return (end ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException notADay) {
      try {
        OffsetDateTime time = OffsetDateTime.parse(text);
        inRange(name, time.toLocalDate());
        return time.toInstant();
      } catch (DateTimeParseException e) {
        throw ApiError.of(400, "invalid_parameter", name,
            name + " must be a day (YYYY-MM-DD) or an ISO-8601 date-time; was '" + text + "'").exception();
      }
    }
  }

  private static LocalDate inRange(String name, LocalDate day) {
    if (day.isBefore(FIRST_DAY) || day.isAfter(LAST_DAY)) {
      throw ApiError.of(400, "invalid_parameter", name,
          name + " must be from " + FIRST_DAY + " to " + LAST_DAY + "; was " + day).exception();
    }
    return day;
  }
}
