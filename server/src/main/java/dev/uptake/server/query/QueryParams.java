package dev.uptake.server.query;

import dev.uptake.server.http.ApiError;
import io.javalin.http.Context;

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
}
