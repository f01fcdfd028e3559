package dev.uptake.server.http;

import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a query string that does not decode (a bare {@code %}, {@code %zz}) before any route
 * reads it, with a 400 that names the parameter, so no route has to guard its own decoding.
 */
public final class QueryStrings {

  private QueryStrings() {}

  /** A before-handler for every route. */
  public static void check(Context ctx) {
    String query = ctx.queryString();
    if (query == null || query.indexOf('%') < 0) {
      return;
    }
    for (String pair : query.split("&")) {
      String decoded;
      try {
        decoded = URLDecoder.decode(pair, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        int equals = pair.indexOf('=');
        String name = equals < 0 ? pair : pair.substring(0, equals);
        throw ApiError.of(400, "invalid_query", name.indexOf('%') < 0 ? name : "query",
            "the query string has a malformed percent-escape in '" + pair + "': write % as %25 and other"
                + " characters as % followed by two hex digits").exception();
      }
      if (decoded.indexOf('\u0000') >= 0) {
        int equals = pair.indexOf('=');
        throw nul(equals < 0 ? "query" : pair.substring(0, equals));
      }
    }
  }

  /** No id, name or value Uptake keeps holds U+0000: asking for one is a mistake worth naming. */
  private static RuntimeException nul(String field) {
    return ApiError.of(400, "invalid_query", field,
        field + " contains %00, the NUL character, which no id or value Uptake keeps can hold").exception();
  }
}
