package dev.uptake.server.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.health.HealthModel;
import dev.uptake.core.settings.DimensionType;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.query.AccountsRoutes;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Alert rules as the API reads and writes them. Reading checks every field and refuses the first
 * wrong one with its path ({@code destinations[0].url}) and what is expected; a webhook's secret
 * is written back as {@code hasSecret}, never itself.
 */
final class AlertRuleCodec {

  static final double DEFAULT_COOLDOWN_HOURS = 24;
  static final int DEFAULT_WINDOW_DAYS = 7;
  static final int MAX_WINDOW_DAYS = 30;
  static final double DEFAULT_STOPPED_MINUTES = 60;

  private static final Set<String> FIELDS = Set.of("id", "name", "kind", "days", "percent", "windowDays", "band", "below",
      "above", "seatsDimension", "minutes", "filter", "cooldownHours", "paused", "destinations", "appUrl");

  private AlertRuleCodec() {}

  /**
   * The rule {@code node} describes.
   *
   * @param settings what its dimensions and filters are checked against; null for a stored rule, read as it was saved
   * @param previous the rule it replaces, whose webhook secrets a destination without one keeps; null for a new rule
   * @param appUrl where Slack links go when the rule names no {@code appUrl}
   */
  static AlertRule read(JsonNode node, WorkspaceSettings settings, AlertRule previous, String appUrl) {
    if (node == null || !node.isObject()) {
      throw invalid("body", "an alert rule is a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw invalid(name, "unknown field '" + name + "'; a rule has " + new TreeSet<>(FIELDS));
      }
    }
    String kindText = text(node, "kind", null);
    AlertRule.Kind kind = kindText == null ? null : AlertRule.Kind.of(kindText);
    if (kind == null) {
      throw invalid("kind", "kind must be one of " + Arrays.stream(AlertRule.Kind.values()).map(AlertRule.Kind::id).toList()
          + "; was " + (kindText == null ? "missing" : "'" + kindText + "'"));
    }
    double threshold = 0;
    int windowDays = 0;
    String band = null;
    boolean above = false;
    String seats = null;
    switch (kind) {
      case QUIET -> threshold = number(node, "days", null, 1, 3650, true);
      case USAGE_DROP -> {
        threshold = number(node, "percent", null, 1, 100, false);
        windowDays = (int) number(node, "windowDays", (double) DEFAULT_WINDOW_DAYS, 1, MAX_WINDOW_DAYS, true);
      }
      case HEALTH_BAND -> {
        band = text(node, "band", null);
        if (band == null || Arrays.stream(HealthModel.Band.values()).noneMatch(b -> b.id().equals(node.get("band").asText()))) {
          throw invalid("band", "band must be red, yellow or green; was " + (band == null ? "missing" : "'" + band + "'"));
        }
      }
      case SEAT_UTILIZATION -> {
        if (node.hasNonNull("below") == node.hasNonNull("above")) {
          throw invalid("below", "a seatUtilization rule has one of below or above: the percent of seats in use");
        }
        above = node.hasNonNull("above");
        threshold = number(node, above ? "above" : "below", null, 0, 100_000, false);
        seats = text(node, "seatsDimension", null);
        if (seats != null && settings != null && settings.dimensions().stream()
            .noneMatch(d -> d.name().equals(node.get("seatsDimension").asText()) && d.type() == DimensionType.NUMBER)) {
          throw invalid("seatsDimension", "seatsDimension must name one of the workspace's number dimensions; was '"
              + seats + "'");
        }
      }
      case TRACKING_STOPPED -> threshold = number(node, "minutes", DEFAULT_STOPPED_MINUTES, 1, 10_080, true);
    }
    String filter = filter(node.get("filter"), settings);
    double cooldown = number(node, "cooldownHours", DEFAULT_COOLDOWN_HOURS, 0, 8_760, false);
    JsonNode paused = node.get("paused");
    if (paused != null && !paused.isNull() && !paused.isBoolean()) {
      throw invalid("paused", "paused must be true or false");
    }
    String name = text(node, "name", null);
    String url = text(node, "appUrl", null);
    if (url != null) {
      url(url, "appUrl");
    }
    return new AlertRule(0, name == null ? kind.id() : name, kind, threshold, windowDays, band, above, seats, filter, cooldown,
        paused != null && paused.asBoolean(), destinations(node.get("destinations"), previous),
        url == null ? (previous != null ? previous.appUrl() : appUrl) : url);
  }

  /** The filter as a query string: given as one, or as an object of parameters ({@code {"tier":"Gold"}}). */
  private static String filter(JsonNode node, WorkspaceSettings settings) {
    String filter;
    if (node == null || node.isNull()) {
      filter = "";
    } else if (node.isTextual()) {
      filter = node.asText().startsWith("?") ? node.asText().substring(1) : node.asText();
    } else if (node.isObject()) {
      List<String> pairs = new ArrayList<>();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String key = field.getKey();
        String value = field.getValue().isValueNode() ? field.getValue().asText() : field.getValue().toString();
        // A key that ends with its operator ({"dimension.seats>=": 10}) reads as the list's dimension.seats>=10.
        boolean operator = key.endsWith(">") || key.endsWith("<") || key.endsWith("=");
        pairs.add(encode(key) + (operator ? "" : "=") + encode(value));
      }
      filter = String.join("&", pairs);
    } else {
      throw invalid("filter", "filter is the accounts list's filters: a query string (\"tier=Gold\") or an object of them");
    }
    if (settings != null) {
      try {
        AccountsRoutes.query(filter, settings, Instant.EPOCH);
      } catch (ApiError.ApiException e) {
        throw invalid("filter." + e.error().field(), e.error().reason());
      }
    }
    return filter;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("%3E", ">").replace("%3C", "<").replace("%3D", "=");
  }

  private static List<AlertRule.Destination> destinations(JsonNode node, AlertRule previous) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw invalid("destinations", "destinations is a list of {\"type\":\"webhook\",\"url\":…,\"secret\":…} or "
          + "{\"type\":\"slack\",\"url\":…}");
    }
    List<AlertRule.Destination> destinations = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode destination = node.get(i);
      String path = "destinations[" + i + "]";
      if (!destination.isObject()) {
        throw invalid(path, "a destination is an object with a type and a url");
      }
      String type = destination.path("type").asText("");
      if (!type.equals(AlertRule.Destination.WEBHOOK) && !type.equals(AlertRule.Destination.SLACK)) {
        throw invalid(path + ".type", "type must be webhook or slack; was '" + type + "'");
      }
      if (!destination.path("url").isTextual()) {
        throw invalid(path + ".url", "url must be an http or https URL");
      }
      URI url = url(destination.get("url").asText(), path + ".url");
      String secret = null;
      if (type.equals(AlertRule.Destination.WEBHOOK)) {
        JsonNode given = destination.get("secret");
        if (given != null && !given.isNull() && (!given.isTextual() || given.asText().isEmpty())) {
          throw invalid(path + ".secret", "secret must be a non-empty string: it signs each delivery (X-Uptake-Signature)");
        }
        secret = given == null || given.isNull() ? keptSecret(previous, url) : given.asText();
      }
      destinations.add(new AlertRule.Destination(type, url, secret));
    }
    return destinations;
  }

  /** A webhook written back without its secret keeps the one it had. */
  private static String keptSecret(AlertRule previous, URI url) {
    if (previous == null) {
      return null;
    }
    return previous.destinations().stream().filter(d -> d.url().equals(url) && d.secret() != null)
        .map(AlertRule.Destination::secret).findFirst().orElse(null);
  }

  private static URI url(String text, String path) {
    try {
      URI url = new URI(text.strip());
      if (url.getHost() != null && ("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
        return url;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw invalid(path, path + " must be an http or https URL; was '" + text + "'");
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw invalid(field, field + " must be a non-empty string");
    }
    return value.asText().strip();
  }

  private static double number(JsonNode node, String field, Double fallback, double min, double max, boolean whole) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (fallback == null) {
        throw invalid(field, field + " is required for this kind of rule");
      }
      return fallback;
    }
    if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max || (whole && value.asDouble() != Math.rint(value.asDouble()))) {
      throw invalid(field, field + " must be a " + (whole ? "whole number" : "number") + " from " + AlertRule.whole(min)
          + " to " + AlertRule.whole(max) + "; was " + value);
    }
    return value.asDouble();
  }

  static ApiError.ApiException invalid(String field, String reason) {
    return ApiError.of(400, "invalid_alert_rule", field, reason).exception();
  }

  /** The rule as the API shows it: secrets left out. */
  static ObjectNode write(AlertRule rule, ObjectMapper json) {
    ObjectNode node = json.createObjectNode();
    node.put("id", rule.id());
    node.put("name", rule.name());
    node.put("kind", rule.kind().id());
    switch (rule.kind()) {
      case QUIET -> node.put("days", (long) rule.threshold());
      case USAGE_DROP -> node.put("percent", rule.threshold()).put("windowDays", rule.windowDays());
      case HEALTH_BAND -> node.put("band", rule.band());
      case SEAT_UTILIZATION -> {
        node.put(rule.above() ? "above" : "below", rule.threshold());
        node.put("seatsDimension", rule.seatsDimension());
      }
      case TRACKING_STOPPED -> node.put("minutes", (long) rule.threshold());
    }
    node.put("filter", rule.filter());
    node.put("cooldownHours", rule.cooldownHours());
    node.put("paused", rule.paused());
    ArrayNode destinations = node.putArray("destinations");
    for (AlertRule.Destination destination : rule.destinations()) {
      ObjectNode each = destinations.addObject().put("type", destination.type()).put("url", destination.url().toString());
      if (!destination.slack()) {
        each.put("hasSecret", destination.secret() != null);
      }
    }
    node.put("appUrl", rule.appUrl());
    return node;
  }

  /** A stored rule (written by {@link #store}). */
  static AlertRule load(long id, String stored, ObjectMapper json) {
    try {
      return read(json.readTree(stored), null, null, null).withId(id);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored alert rules are JSON written by AlertRuleCodec.store", e);
    }
  }

  /** The rule as the store keeps it: everything, secrets included. */
  static String store(AlertRule rule, ObjectMapper json) {
    ObjectNode node = write(rule, json);
    node.remove("id");
    ArrayNode destinations = node.putArray("destinations");
    for (AlertRule.Destination destination : rule.destinations()) {
      ObjectNode each = destinations.addObject().put("type", destination.type()).put("url", destination.url().toString());
      if (destination.secret() != null) {
        each.put("secret", destination.secret());
      }
    }
    return node.toString();
  }
}
