package dev.uptake.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A PostgreSQL database to keep the store in, as an operator writes it: the libpq form {@code
 * postgresql://user:password@host:5432/db} (also {@code postgres://}) or the JDBC form {@code
 * jdbc:postgresql://host:5432/db?user=…&password=…}. The password never shows in {@link
 * #toString()}, so the URL can be logged.
 *
 * @param jdbcUrl the driver's URL without user and password
 * @param user null when the URL names none
 * @param password null when the URL names none
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

  private static final String FORMS =
      "postgresql://user:password@host:5432/db or jdbc:postgresql://host:5432/db?user=…&password=…";

  public DatabaseUrl {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
  }

  /**
   * Parses either form.
   *
   * @throws IllegalArgumentException naming the forms accepted, without the password
   */
  public static DatabaseUrl parse(String url) {
    String text = Objects.requireNonNull(url, "url").strip();
    if (text.startsWith("jdbc:postgresql:")) {
      return jdbc(text);
    }
    if (text.startsWith("postgresql://") || text.startsWith("postgres://")) {
      return libpq(text);
    }
    throw invalid(text, "it starts with neither postgresql:// nor jdbc:postgresql://");
  }

  private static DatabaseUrl libpq(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw invalid(text, e.getReason());
    }
    if (uri.getHost() == null) {
      throw invalid(text, "it names no host");
    }
    String database = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "" : uri.getRawPath();
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    return new DatabaseUrl("jdbc:postgresql://" + uri.getHost() + port + database + query, user, password);
  }

  /** The JDBC form: user and password move out of the query, every other parameter stays for the driver. */
  private static DatabaseUrl jdbc(String text) {
    int question = text.indexOf('?');
    String base = question < 0 ? text : text.substring(0, question);
    if (!base.startsWith("jdbc:postgresql://") || base.length() == "jdbc:postgresql://".length()) {
      throw invalid(text, "it names no host");
    }
    String user = null;
    String password = null;
    List<String> rest = new ArrayList<>();
    if (question >= 0) {
      for (String parameter : text.substring(question + 1).split("&")) {
        if (parameter.startsWith("user=")) {
          user = decode(parameter.substring("user=".length()));
        } else if (parameter.startsWith("password=")) {
          password = decode(parameter.substring("password=".length()));
        } else if (!parameter.isEmpty()) {
          rest.add(parameter);
        }
      }
    }
    return new DatabaseUrl(base + (rest.isEmpty() ? "" : "?" + String.join("&", rest)), user, password);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException invalid(String url, String why) {
    return new IllegalArgumentException(
        "the database URL '" + redact(url) + "' is not one Uptake reads (" + why + "); write " + FORMS);
  }

  /** {@code url} with anything after a colon in the user part, or a password parameter, hidden. */
  private static String redact(String url) {
    return url.replaceAll("(://[^:/@]*):[^@/]*@", "$1:***@").replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  /** The same server and credentials, database {@code name}: where a tool makes databases of its own. */
  public DatabaseUrl withDatabase(String name) {
    return new DatabaseUrl(jdbcUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"), user, password);
  }

  /**
   * The JDBC form with user and password as parameters, which {@link #parse} reads back: for handing
   * the whole of it to a command ({@code --database}). It holds the password; never log it.
   */
  public String withCredentials() {
    StringBuilder url = new StringBuilder(jdbcUrl);
    char separator = jdbcUrl.contains("?") ? '&' : '?';
    if (user != null) {
      url.append(separator).append("user=").append(URLEncoder.encode(user, StandardCharsets.UTF_8));
      separator = '&';
    }
    if (password != null) {
      url.append(separator).append("password=").append(URLEncoder.encode(password, StandardCharsets.UTF_8));
    }
    return url.toString();
  }

  /** Where the database is and as whom, never the password. */
  @Override
  public String toString() {
    return jdbcUrl + (user == null ? "" : " as " + user);
  }
}
