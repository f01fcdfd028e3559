package dev.uptake.server.http;

import io.javalin.http.Context;

/**
 * Headers that keep a browser from framing Uptake's pages (clickjacking), guessing content types,
 * or running script from anywhere but Uptake itself. Styles may be inline: ECharts sets them.
 */
public final class SecurityHeaders {

  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'"
      + " 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self';"
      + " form-action 'self'; frame-ancestors 'none'";

  private SecurityHeaders() {}

  /** A before-handler for every route. */
  public static void add(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("Referrer-Policy", "same-origin");
  }
}
