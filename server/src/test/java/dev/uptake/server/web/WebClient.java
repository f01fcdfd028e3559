package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.server.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Cookies kept across requests, as a browser keeps them; no redirects followed. */
public final class WebClient {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String base;
  private final Map<String, String> cookies;

  public WebClient(TestServer server) {
    this(server.url(""));
  }

  /** A browser of the server at {@code base} ({@code http://host:port}). */
  public WebClient(String base) {
    this(base, new HashMap<>());
  }

  private WebClient(String base, Map<String, String> cookies) {
    this.base = base;
    this.cookies = cookies;
  }

  /** The same browser, its cookies shared, sent to another server (as a load balancer may). */
  public WebClient at(String otherBase) {
    return new WebClient(otherBase, cookies);
  }

  public HttpResponse<String> signIn(String email, String password) {
    String csrf = csrf(get("/login").body());
    return post("/login", Map.of("csrf", csrf, "email", email, "password", password));
  }

  public String csrf(String page) {
    Matcher matcher = CSRF.matcher(page);
    assertThat(matcher.find()).as("a form with a CSRF token").isTrue();
    return matcher.group(1);
  }

  public HttpResponse<String> get(String path) {
    return keep(send(request(path).GET()));
  }

  public HttpResponse<String> post(String path, Map<String, String> form) {
    StringBuilder body = new StringBuilder();
    form.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(name).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return keep(send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    if (!cookies.isEmpty()) {
      request.header("Cookie", String.join("; ", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue()).toList()));
    }
    return request;
  }

  private HttpResponse<String> keep(HttpResponse<String> response) {
    for (String header : response.headers().allValues("Set-Cookie")) {
      String pair = header.split(";", 2)[0];
      String name = pair.substring(0, pair.indexOf('='));
      String value = pair.substring(pair.indexOf('=') + 1);
      if (value.isEmpty() || header.contains("Max-Age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
    return response;
  }
}
