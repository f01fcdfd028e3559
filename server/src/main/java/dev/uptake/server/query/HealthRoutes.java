package dev.uptake.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.health.HealthModel;
import dev.uptake.core.health.HealthModelCodec;
import dev.uptake.core.settings.InvalidSettingsException;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.store.HealthModels;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.identity.Fields;
import dev.uptake.store.Profiles;
import dev.uptake.store.Usage;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/health} and {@code PUT /api/v1/health}: the workspace's health model. A model
 * that differs from the current one is saved as a new version; the old ones stay, with the history
 * of scores recorded under them ({@code GET /api/v1/accounts/{id}/health}). {@code POST
 * /api/v1/health/preview} scores past days under a model without saving it.
 */
public final class HealthRoutes {

  /** The longest range a preview scores: every account on every day is scored from its activity. */
  static final int MAX_PREVIEW_DAYS = 92;

  private final AdminAuth auth;
  private final HealthModels models;
  private final SettingsStore settings;
  private final Profiles profiles;
  private final HealthBoard board;
  private final HealthPreview preview;
  private final Responses responses;
  private final ObjectMapper json;
  private final Clock clock;

  public HealthRoutes(
      Workspaces workspaces, HealthModels models, SettingsStore settings, Profiles profiles, HealthBoard board,
      AccountDirectory directory, Usage usage, Responses responses, ObjectMapper json, Clock clock) {
    this.auth = new AdminAuth(workspaces);
    this.models = models;
    this.settings = settings;
    this.profiles = profiles;
    this.board = board;
    this.preview = new HealthPreview(directory, usage);
    this.responses = responses;
    this.json = json;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/health", this::get);
    routes.put("/api/v1/health", this::put);
    routes.post("/api/v1/health/preview", this::preview);
    routes.get("/api/v1/accounts/{id}/health", this::history);
  }

  private void get(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    responses.json(ctx, 200, HealthModelCodec.write(models.current(workspace.id()).model()));
  }

  private void put(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    HealthModel model = model(ctx, workspace);
    save(workspace.id(), model);
    responses.json(ctx, 200, HealthModelCodec.write(model));
  }

  private HealthModel model(Context ctx, Workspace workspace) {
    JsonNode body = JsonBody.read(ctx, json, "the health model");
    try {
      return checked(workspace.id(), body);
    } catch (InvalidSettingsException e) {
      throw ApiError.of(400, "invalid_health_model", e.field(), e.getMessage()).exception();
    }
  }

  /**
   * The account's score per day under one model version (the current one unless {@code version}
   * names another), today's being its score now.
   */
  private void history(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    String id = ctx.pathParam("id");
    profiles.account(workspace.id(), id).orElseThrow(() -> ApiError.notFound("account", id).exception());
    ZoneId zone = settings.get(workspace.id()).timeZone();
    QueryParams.Days days = QueryParams.days(ctx, zone, clock);
    List<HealthModels.Version> versions = models.versions(workspace.id());
    HealthModels.Version current = versions.isEmpty() ? HealthModels.Version.NONE : versions.get(versions.size() - 1);
    HealthModels.Version version = version(ctx.queryParam("version"), versions, current);
    Map<LocalDate, HealthModels.Point> points = new TreeMap<>();
    models.history(workspace.id(), version.version(), id, days.from(), days.to()).forEach(point -> points.put(point.day(), point));
    HealthBoard.Scored scored = board.account(workspace.id(), id);
    if (version.version() == scored.version().version() && !scored.today().isBefore(days.from())
        && !scored.today().isAfter(days.to())) {
      scored.rows().stream().filter(row -> row.health().score() != null).findFirst()
          .ifPresent(row -> points.put(scored.today(), new HealthModels.Point(id, scored.today(),
              row.health().score().score(), row.health().score().band().id())));
    }
    ObjectNode body = json.createObjectNode();
    body.put("accountId", id);
    body.put("version", version.version());
    body.put("since", version.version() == 0 ? null : version.since().toString());
    body.put("from", days.from().toString());
    body.put("to", days.to().toString());
    ArrayNode list = body.putArray("days");
    points.values().forEach(point -> list.addObject().put("date", point.day().toString()).put("score", point.score())
        .put("band", point.band()));
    ArrayNode all = body.putArray("versions");
    versions.forEach(each -> all.addObject().put("version", each.version()).put("since", each.since().toString()));
    responses.json(ctx, 200, body);
  }

  private static HealthModels.Version version(String text, List<HealthModels.Version> versions, HealthModels.Version current) {
    if (text == null || text.isBlank()) {
      return current;
    }
    return versions.stream().filter(version -> String.valueOf(version.version()).equals(text.strip())).findFirst()
        .orElseThrow(() -> ApiError.of(400, "invalid_parameter", "version", "version must name one of the workspace's "
            + "health model versions " + versions.stream().map(HealthModels.Version::version).toList() + "; was '" + text
            + "'").exception());
  }

  /** Every account's score per day of the range under the posted model, the bands' counts per day, churned accounts' last 30 days. */
  private void preview(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    HealthModel model = model(ctx, workspace);
    ZoneId zone = settings.get(workspace.id()).timeZone();
    QueryParams.Days days = QueryParams.days(ctx, zone, clock);
    if (days.from().plusDays(MAX_PREVIEW_DAYS).isBefore(days.to().plusDays(1))) {
      throw ApiError.of(400, "invalid_parameter", "from", "a preview covers at most " + MAX_PREVIEW_DAYS + " days").exception();
    }
    List<AccountDirectory.Row> rows = board.accounts(workspace.id()).rows();
    Map<String, List<HealthPreview.DayScore>> scores = preview.scores(workspace.id(), model, rows, days.from(), days.to());
    ObjectNode body = json.createObjectNode();
    body.put("from", days.from().toString());
    body.put("to", days.to().toString());
    ArrayNode accounts = body.putArray("accounts");
    for (AccountDirectory.Row row : rows) {
      ObjectNode account = accounts.addObject();
      account.put("accountId", row.accountId());
      account.put("name", row.text("name"));
      account.set("days", days(scores.get(row.accountId())));
    }
    ArrayNode bands = body.putArray("summary");
    bands(scores).forEach((day, counts) -> {
      ObjectNode node = bands.addObject().put("date", day.toString());
      counts.forEach(node::put);
    });
    body.set("churned", churned(workspace.id(), model, rows, zone));
    responses.json(ctx, 200, body);
  }

  /**
   * How many accounts land in each band ({@code red}, {@code yellow}, {@code green}, and {@code
   * none} without a score) on each day from {@code from} to {@code to} under {@code model}: the
   * preview's summary, for the Health settings page too.
   */
  public Map<LocalDate, Map<String, Integer>> bandsPerDay(long workspaceId, HealthModel model, LocalDate from, LocalDate to) {
    return bands(preview.scores(workspaceId, model, board.accounts(workspaceId).rows(), from, to));
  }

  private static Map<LocalDate, Map<String, Integer>> bands(Map<String, List<HealthPreview.DayScore>> scores) {
    Map<LocalDate, Map<String, Integer>> summary = new TreeMap<>();
    for (List<HealthPreview.DayScore> days : scores.values()) {
      for (HealthPreview.DayScore day : days) {
        summary.computeIfAbsent(day.day(), d -> counts()).merge(day.score() == null ? "none" : day.score().band().id(), 1,
            Integer::sum);
      }
    }
    return summary;
  }

  private static Map<String, Integer> counts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    List.of("red", "yellow", "green", "none").forEach(band -> counts.put(band, 0));
    return counts;
  }

  /**
   * The model {@code body} describes, checked against the workspace's settings.
   *
   * @throws InvalidSettingsException naming the path of what is wrong
   */
  public HealthModel checked(long workspaceId, JsonNode body) {
    return HealthModelCodec.checked(HealthModelCodec.read(body), settings.get(workspaceId));
  }

  /** Saves {@code model} as the workspace's next version, unless it is the current one. */
  public void save(long workspaceId, HealthModel model) {
    if (!model.equals(models.current(workspaceId).model())) {
      models.save(workspaceId, model, clock.instant());
    }
  }

  /** The scores of the 30 days before each churned account churned (the day {@code isChurned} became true). */
  private ArrayNode churned(long workspaceId, HealthModel model, List<AccountDirectory.Row> rows, ZoneId zone) {
    ArrayNode churned = json.createArrayNode();
    for (AccountDirectory.Row row : rows) {
      Fields fields = row.view().account().fields();
      if (!fields.value("isChurned").map(JsonNode::asBoolean).orElse(false)) {
        continue;
      }
      LocalDate on = LocalDate.ofInstant(Instant.ofEpochMilli(fields.values().get("isChurned").stamp().eventTimeMillis()), zone);
      List<HealthPreview.DayScore> scores =
          preview.scores(workspaceId, model, List.of(row), on.minusDays(30), on.minusDays(1)).get(row.accountId());
      churned.addObject().put("accountId", row.accountId()).put("name", row.text("name"))
          .put("churnedOn", on.toString()).set("days", days(scores));
    }
    return churned;
  }

  private ArrayNode days(List<HealthPreview.DayScore> scores) {
    ArrayNode days = json.createArrayNode();
    for (HealthPreview.DayScore day : scores) {
      ObjectNode node = days.addObject().put("date", day.day().toString());
      if (day.score() == null) {
        node.putNull("score").putNull("band");
      } else {
        node.put("score", day.score().score()).put("band", day.score().band().id());
      }
    }
    return days;
  }
}
