package dev.uptake.bench;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser's session in the web app, signed in through the sign-in form, for timing pages. */
final class WebSession {

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  private final URI server;
  private final HttpClient http;

  private WebSession(URI server, HttpClient http) {
    this.server = server;
    this.http = http;
  }

  static WebSession signIn(URI server, Shape.Keys keys) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    String form = http.send(HttpRequest.newBuilder(server.resolve("/login")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher csrf = CSRF.matcher(form);
    if (!csrf.find()) {
      throw new IOException("the sign-in page has no CSRF token");
    }
    String body = "csrf=" + encode(csrf.group(1)) + "&email=" + encode(keys.adminEmail()) + "&password="
        + encode(keys.adminPassword());
    HttpResponse<Void> signedIn = http.send(HttpRequest.newBuilder(server.resolve("/login"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.discarding());
    if (signedIn.statusCode() != 303) {
      throw new IOException("sign-in answered " + signedIn.statusCode());
    }
    return new WebSession(server, http);
  }

  /** The status of {@code GET path} with the session, its body read and dropped. */
  int status(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(server.resolve(path)).GET().build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
