package dev.uptake.server.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.server.query.AdminAuth;
import dev.uptake.server.query.JsonBody;
import dev.uptake.server.query.QueryParams;
import dev.uptake.server.web.Pages;
import dev.uptake.store.Alerts;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Alert rules ({@code /api/v1/alerts/rules}, {@code /api/v1/alerts/rules/{id}}) and the log of
 * what they fired and held, with every delivery attempt ({@code GET /api/v1/alerts}).
 */
public final class AlertRoutes {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1_000;

  private final AdminAuth auth;
  private final Alerts alerts;
  private final SettingsStore settings;
  private final Responses responses;
  private final ObjectMapper json;
  private final Clock clock;

  public AlertRoutes(
      Workspaces workspaces, Alerts alerts, SettingsStore settings, Responses responses, ObjectMapper json, Clock clock) {
    this.auth = new AdminAuth(workspaces);
    this.alerts = alerts;
    this.settings = settings;
    this.responses = responses;
    this.json = json;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/alerts/rules", this::list);
    routes.post("/api/v1/alerts/rules", this::create);
    routes.get("/api/v1/alerts/rules/{id}", this::get);
    routes.put("/api/v1/alerts/rules/{id}", this::update);
    routes.delete("/api/v1/alerts/rules/{id}", this::delete);
    routes.get("/api/v1/alerts", this::log);
  }

  /** The workspace's rules, oldest first (for the Alerts page). */
  public List<AlertRule> rules(long workspaceId) {
    return alerts.rules(workspaceId).stream().map(this::load).toList();
  }

  /**
   * Saves the rule {@code body} describes: a new one when {@code id} is null, else replacing that one.
   *
   * @throws ApiError.ApiException 400 naming the field that is wrong, 404 for an unknown id
   */
  public AlertRule save(long workspaceId, Long id, JsonNode body, String appUrl) {
    if (id == null) {
      AlertRule rule = AlertRuleCodec.read(body, settings.get(workspaceId), null, appUrl);
      return rule.withId(alerts.create(workspaceId, AlertRuleCodec.store(rule, json), clock.instant()).id());
    }
    AlertRule previous = load(alerts.rule(workspaceId, id)
        .orElseThrow(() -> ApiError.notFound("alert rule", String.valueOf(id)).exception()));
    AlertRule rule = AlertRuleCodec.read(body, settings.get(workspaceId), previous, appUrl).withId(id);
    alerts.update(workspaceId, id, AlertRuleCodec.store(rule, json), clock.instant());
    return rule;
  }

  /** Pauses or resumes a rule; false when the workspace has no such rule. */
  public boolean pause(long workspaceId, long id, boolean paused) {
    return alerts.rule(workspaceId, id).map(stored -> {
      AlertRule rule = load(stored);
      AlertRule changed = new AlertRule(rule.id(), rule.name(), rule.kind(), rule.threshold(), rule.windowDays(), rule.band(),
          rule.above(), rule.seatsDimension(), rule.filter(), rule.cooldownHours(), paused, rule.destinations(), rule.appUrl());
      return alerts.update(workspaceId, id, AlertRuleCodec.store(changed, json), clock.instant());
    }).orElse(false);
  }

  public boolean delete(long workspaceId, long id) {
    return alerts.delete(workspaceId, id);
  }

  /** The latest alerts of the last 30 days as the log shows them (with status and deliveries), newest first. */
  public List<ObjectNode> latest(long workspaceId, int limit) {
    Instant to = clock.instant().plusSeconds(1);
    List<Alerts.Alert> found = alerts.alerts(workspaceId, to.minus(Duration.ofDays(30)), to, null, null, limit);
    return nodes(found);
  }

  private List<ObjectNode> nodes(List<Alerts.Alert> found) {
    Map<String, List<Alerts.Delivery>> deliveries = new HashMap<>();
    alerts.deliveries(found.stream().map(Alerts.Alert::id).toList())
        .forEach(delivery -> deliveries.computeIfAbsent(delivery.alertId(), id -> new ArrayList<>()).add(delivery));
    return found.stream().map(alert -> alertNode(alert, deliveries.getOrDefault(alert.id(), List.of()))).toList();
  }

  private void list(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    ObjectNode body = json.createObjectNode();
    ArrayNode rules = body.putArray("rules");
    alerts.rules(workspace.id()).forEach(rule -> rules.add(AlertRuleCodec.write(load(rule), json)));
    responses.json(ctx, 200, body);
  }

  private void create(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    AlertRule rule = save(workspace.id(), null, JsonBody.read(ctx, json, "the alert rule"), Pages.baseUrl(ctx));
    responses.json(ctx, 201, AlertRuleCodec.write(rule, json));
  }

  private void get(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    responses.json(ctx, 200, AlertRuleCodec.write(load(stored(ctx, workspace)), json));
  }

  private void update(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    long id = stored(ctx, workspace).id();
    AlertRule rule = save(workspace.id(), id, JsonBody.read(ctx, json, "the alert rule"), Pages.baseUrl(ctx));
    responses.json(ctx, 200, AlertRuleCodec.write(rule, json));
  }

  private void delete(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    if (!alerts.delete(workspace.id(), stored(ctx, workspace).id())) {
      throw notFound(ctx);
    }
    ctx.status(204);
  }

  /**
   * Alerts fired in {@code from}…{@code to} (days in the workspace's zone or ISO-8601 times; the
   * last 30 days by default), newest first, for one {@code account} or {@code rule} when given.
   */
  private void log(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    ZoneId zone = settings.get(workspace.id()).timeZone();
    String fromText = ctx.queryParam("from");
    String toText = ctx.queryParam("to");
    Instant to = toText == null || toText.isBlank() ? clock.instant().plusSeconds(1)
        : QueryParams.dayOrTime("to", toText.strip(), zone, true);
    Instant from = fromText == null || fromText.isBlank() ? to.minus(Duration.ofDays(30))
        : QueryParams.dayOrTime("from", fromText.strip(), zone, false);
    String account = blankToNull(ctx.queryParam("account"));
    Long rule = blankToNull(ctx.queryParam("rule")) == null ? null : ruleId(ctx.queryParam("rule"), "rule");
    int limit = QueryParams.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
    ObjectNode body = json.createObjectNode();
    body.putArray("alerts").addAll(nodes(alerts.alerts(workspace.id(), from, to, account, rule, limit)));
    responses.json(ctx, 200, body);
  }

  private ObjectNode alertNode(Alerts.Alert alert, List<Alerts.Delivery> deliveries) {
    ObjectNode node = (ObjectNode) read(alert.body());
    List<String> statuses = deliveries.stream().map(Alerts.Delivery::status).toList();
    node.put("status", alert.status().equals("held") ? "held"
        : statuses.contains("failed") ? "failed"
        : !statuses.isEmpty() && statuses.stream().allMatch("delivered"::equals) ? "delivered" : "fired");
    if (alert.status().equals("held")) {
      node.put("heldBecause", "the workspace's events stopped (trackingStopped): account alerts wait until they resume");
    }
    ArrayNode list = node.putArray("deliveries");
    deliveries.stream().sorted(Comparator.comparingInt(Alerts.Delivery::destination)).forEach(delivery -> {
      JsonNode target = read(delivery.target());
      ObjectNode each = list.addObject();
      each.put("destination", delivery.destination());
      each.put("type", target.path("type").asText());
      each.put("url", target.path("url").asText());
      each.put("status", delivery.status());
      each.put("nextAttemptAt", delivery.status().equals("pending") ? delivery.nextAt().toString() : null);
      each.set("attempts", read(delivery.attempts()));
    });
    return node;
  }

  private Alerts.Rule stored(Context ctx, Workspace workspace) {
    long id = ruleId(ctx.pathParam("id"), null);
    return alerts.rule(workspace.id(), id).orElseThrow(() -> notFound(ctx));
  }

  /** A rule's id; in a path an unreadable one is simply not found, in a parameter it is refused. */
  private static long ruleId(String text, String parameter) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      if (parameter == null) {
        return -1;
      }
      throw ApiError.of(400, "invalid_parameter", parameter, parameter + " must be a rule's id (a number); was '" + text + "'")
          .exception();
    }
  }

  private static ApiError.ApiException notFound(Context ctx) {
    return ApiError.notFound("alert rule", ctx.pathParam("id")).exception();
  }

  private AlertRule load(Alerts.Rule rule) {
    return AlertRuleCodec.load(rule.id(), rule.json(), json);
  }

  private JsonNode read(String text) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("alerts are stored as JSON", e);
    }
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
