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
      try {
        URLDecoder.decode(pair, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        int equals = pair.indexOf('=');
        String name = equals < 0 ? pair : pair.substring(0, equals);
        throw ApiError.of(400, "invalid_query", name.indexOf('%') < 0 ? name : "query",
            "the query string has a malformed percent-escape in '" + pair + "': write % as %25 and other"
                + " characters as % followed by two hex digits").exception();
      }
    }
  }
}
