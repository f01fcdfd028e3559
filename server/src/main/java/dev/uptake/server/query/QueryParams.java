package dev.uptake.server.query;

import dev.uptake.server.http.ApiError;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Query parameters several routes share, each refused with a 400 that names it. */
final class QueryParams {

  private QueryParams() {}

  /** {@code limit}: a whole number from 1 to {@code max}, {@code fallback} when absent. */
  static int limit(Context ctx, int fallback, int max) {
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

  /** An inclusive range of days in the workspace's time zone. */
  record Days(LocalDate from, LocalDate to) {}

  /** {@code from} and {@code to} ({@code YYYY-MM-DD}, inclusive); by default the 30 days ending today. */
  static Days days(Context ctx, ZoneId zone, Clock clock) {
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
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw ApiError.of(400, "invalid_parameter", name, name + " must be a day as YYYY-MM-DD; was '" + text + "'").exception();
    }
  }
}
