package dev.uptake.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.server.alerts.AlertRoutes;
import dev.uptake.server.alerts.AlertRule;
import dev.uptake.server.http.ApiError;
import dev.uptake.store.Members;
import dev.uptake.store.SettingsStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alerts ({@code /alerts}): the workspace's rules (create, edit, pause, delete: admins) and the log
 * of what fired or was held and where it went. The form is read into the API's rule JSON and
 * checked by the same codec as {@code POST /api/v1/alerts/rules}, so a refusal names a field the
 * page shows it next to.
 */
public final class AlertsPage {

  static final int LOG_ROWS = 100;

  /** A rule in the table. */
  public record RuleLine(long id, String name, String condition, String filter, String destinations, String cooldown,
      boolean paused) {}

  /** An alert in the log. */
  public record AlertLine(Wording.When firedAt, String rule, String accountId, String accountName, String summary,
      String status, List<String> deliveries) {}

  /** The rule form, as typed; {@code errorField} is the form input a refusal names. */
  public record Form(Map<String, String> values, String errorField, String errorMessage) {
    public String value(String name) {
      return values.getOrDefault(name, "");
    }

    public String error(String name) {
      return errorField.equals(name) ? errorMessage : "";
    }
  }

  private final Pages pages;
  private final AlertRoutes alerts;
  private final SettingsStore settings;
  private final ObjectMapper json;
  private final Clock clock;

  public AlertsPage(Pages pages, AlertRoutes alerts, SettingsStore settings, ObjectMapper json, Clock clock) {
    this.pages = pages;
    this.alerts = alerts;
    this.settings = settings;
    this.json = json;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/alerts", this::page);
    routes.post("/alerts/rules", this::save);
    routes.post("/alerts/rules/{id}/pause", ctx -> pause(ctx, true));
    routes.post("/alerts/rules/{id}/resume", ctx -> pause(ctx, false));
    routes.post("/alerts/rules/{id}/delete", this::delete);
  }

  private void page(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty()) {
      return;
    }
    Form form = new Form(defaults(), "", "");
    String edit = ctx.queryParam("edit");
    if (edit != null) {
      for (AlertRule rule : alerts.rules(session.get().workspaceId())) {
        if (String.valueOf(rule.id()).equals(edit)) {
          form = new Form(values(rule), "", "");
        }
      }
    }
    show(ctx, 200, session.get(), form, ctx.queryParam("saved") != null ? "Saved. Rules are evaluated every few seconds." : "");
  }

  private void save(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty() || !pages.formAllowed(ctx, session.get()) || !pages.admin(ctx, session.get())) {
      return;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : defaults().keySet()) {
      values.put(name, Optional.ofNullable(ctx.formParam(name)).orElse("").strip());
    }
    values.put("paused", ctx.formParam("paused") == null ? "" : "true");
    Map<Integer, String> destinationInputs = new LinkedHashMap<>();
    ObjectNode body = body(values, destinationInputs);
    String id = values.get("id");
    try {
      alerts.save(session.get().workspaceId(), id.isEmpty() ? null : Long.valueOf(id), body, Pages.baseUrl(ctx));
    } catch (ApiError.ApiException refused) {
      show(ctx, refused.error().status(), session.get(),
          new Form(values, input(refused.error().field(), destinationInputs), refused.error().reason()), "");
      return;
    }
    ctx.redirect("/alerts?saved", HttpStatus.SEE_OTHER);
  }

  private void pause(Context ctx, boolean paused) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty() || !pages.formAllowed(ctx, session.get()) || !pages.admin(ctx, session.get())) {
      return;
    }
    alerts.pause(session.get().workspaceId(), id(ctx), paused);
    ctx.redirect("/alerts", HttpStatus.SEE_OTHER);
  }

  private void delete(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty() || !pages.formAllowed(ctx, session.get()) || !pages.admin(ctx, session.get())) {
      return;
    }
    alerts.delete(session.get().workspaceId(), id(ctx));
    ctx.redirect("/alerts", HttpStatus.SEE_OTHER);
  }

  private void show(Context ctx, int status, Members.WebSession session, Form form, String notice) {
    long workspaceId = session.workspaceId();
    ZoneId zone = settings.get(workspaceId).timeZone();
    Instant now = clock.instant();
    Map<String, Object> model = pages.frame(session);
    model.put("admin", session.role() == Members.Role.ADMIN);
    model.put("form", form);
    model.put("notice", notice);
    model.put("rules", alerts.rules(workspaceId).stream().map(AlertsPage::line).toList());
    model.put("log", alerts.latest(workspaceId, LOG_ROWS).stream().map(alert -> logLine(alert, now, zone)).toList());
    pages.render(ctx, status, "alerts.jte", model);
  }

  private static RuleLine line(AlertRule rule) {
    List<String> destinations = new ArrayList<>();
    rule.destinations().forEach(destination -> destinations.add(
        (destination.slack() ? "Slack" : "webhook") + " " + destination.url().getHost()));
    return new RuleLine(rule.id(), rule.name(), rule.describe(), rule.filter().isEmpty() ? "every account" : rule.filter(),
        destinations.isEmpty() ? "log only" : String.join(", ", destinations),
        rule.cooldownHours() == Math.rint(rule.cooldownHours()) ? (long) rule.cooldownHours() + " h" : rule.cooldownHours() + " h",
        rule.paused());
  }

  private static AlertLine logLine(JsonNode alert, Instant now, ZoneId zone) {
    List<String> deliveries = new ArrayList<>();
    for (JsonNode delivery : alert.path("deliveries")) {
      int attempts = delivery.path("attempts").size();
      String last = attempts == 0 ? "" : delivery.path("attempts").get(attempts - 1).path("error").asText("");
      deliveries.add(delivery.path("type").asText() + " " + delivery.path("status").asText()
          + " after " + attempts + (attempts == 1 ? " attempt" : " attempts") + (last.isEmpty() ? "" : " (" + last + ")"));
    }
    JsonNode account = alert.path("account");
    return new AlertLine(Wording.when(Instant.parse(alert.path("firedAt").asText()), now, zone), alert.path("ruleName").asText(),
        account.path("id").asText(""), account.path("name").asText(account.path("id").asText("")),
        alert.path("summary").asText(), alert.path("status").asText(), deliveries);
  }

  /** The API's rule JSON from the form; {@code destinationInputs} gets which input each destination came from. */
  private ObjectNode body(Map<String, String> values, Map<Integer, String> destinationInputs) {
    ObjectNode body = json.createObjectNode();
    if (!values.get("name").isEmpty()) {
      body.put("name", values.get("name"));
    }
    String kind = values.get("kind");
    body.put("kind", kind);
    switch (kind) {
      case "quiet" -> number(body, "days", values.get("days"));
      case "usageDrop" -> {
        number(body, "percent", values.get("percent"));
        number(body, "windowDays", values.get("windowDays"));
      }
      case "healthBand" -> body.put("band", values.get("band"));
      case "seatUtilization" -> {
        number(body, values.get("seatDirection").equals("above") ? "above" : "below", values.get("seatPercent"));
        if (!values.get("seatsDimension").isEmpty()) {
          body.put("seatsDimension", values.get("seatsDimension"));
        }
      }
      case "trackingStopped" -> number(body, "minutes", values.get("minutes"));
      default -> { }
    }
    body.put("filter", values.get("filter"));
    number(body, "cooldownHours", values.get("cooldownHours"));
    body.put("paused", !values.get("paused").isEmpty());
    ArrayNode destinations = body.putArray("destinations");
    if (!values.get("webhookUrl").isEmpty()) {
      destinationInputs.put(destinations.size(), "webhook");
      ObjectNode webhook = destinations.addObject().put("type", "webhook").put("url", values.get("webhookUrl"));
      if (!values.get("webhookSecret").isEmpty()) {
        webhook.put("secret", values.get("webhookSecret"));
      }
    }
    if (!values.get("slackUrl").isEmpty()) {
      destinationInputs.put(destinations.size(), "slack");
      destinations.addObject().put("type", "slack").put("url", values.get("slackUrl"));
    }
    return body;
  }

  /** The form input a refusal's field names. */
  private static String input(String field, Map<Integer, String> destinationInputs) {
    if (field.equals("below") || field.equals("above")) {
      return "seatPercent";
    }
    if (field.startsWith("filter")) {
      return "filter";
    }
    if (field.startsWith("destinations[")) {
      int index = Integer.parseInt(field.substring("destinations[".length(), field.indexOf(']')));
      String kind = destinationInputs.getOrDefault(index, "webhook");
      return kind.equals("slack") ? "slackUrl" : field.endsWith(".secret") ? "webhookSecret" : "webhookUrl";
    }
    return field;
  }

  private static void number(ObjectNode body, String field, String text) {
    if (text.isEmpty()) {
      return;
    }
    try {
      body.put(field, Double.parseDouble(text));
    } catch (NumberFormatException e) {
      body.put(field, text); // refused by the codec, with the field's name
    }
  }

  private static Map<String, String> defaults() {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : List.of("id", "name", "kind", "days", "percent", "windowDays", "band", "seatDirection", "seatPercent",
        "seatsDimension", "minutes", "filter", "cooldownHours", "webhookUrl", "webhookSecret", "slackUrl", "paused")) {
      values.put(name, "");
    }
    values.put("kind", "quiet");
    values.put("days", "7");
    values.put("windowDays", "7");
    values.put("band", "red");
    values.put("seatDirection", "below");
    values.put("minutes", "60");
    values.put("cooldownHours", "24");
    return values;
  }

  private static Map<String, String> values(AlertRule rule) {
    Map<String, String> values = defaults();
    values.put("id", String.valueOf(rule.id()));
    values.put("name", rule.name());
    values.put("kind", rule.kind().id());
    String threshold = rule.threshold() == Math.rint(rule.threshold()) ? String.valueOf((long) rule.threshold())
        : String.valueOf(rule.threshold());
    switch (rule.kind()) {
      case QUIET -> values.put("days", threshold);
      case USAGE_DROP -> {
        values.put("percent", threshold);
        values.put("windowDays", String.valueOf(rule.windowDays()));
      }
      case HEALTH_BAND -> values.put("band", rule.band());
      case SEAT_UTILIZATION -> {
        values.put("seatDirection", rule.above() ? "above" : "below");
        values.put("seatPercent", threshold);
        values.put("seatsDimension", rule.seatsDimension() == null ? "" : rule.seatsDimension());
      }
      case TRACKING_STOPPED -> values.put("minutes", threshold);
    }
    values.put("filter", rule.filter());
    values.put("cooldownHours", rule.cooldownHours() == Math.rint(rule.cooldownHours())
        ? String.valueOf((long) rule.cooldownHours()) : String.valueOf(rule.cooldownHours()));
    for (AlertRule.Destination destination : rule.destinations()) {
      values.put(destination.slack() ? "slackUrl" : "webhookUrl", destination.url().toString());
    }
    values.put("paused", rule.paused() ? "true" : "");
    return values;
  }

  private static long id(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
