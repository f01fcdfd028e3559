package dev.uptake.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.settings.Dimension;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.store.SavedViews;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Saved views of the accounts list ({@code /api/v1/views}, {@code /api/v1/views/{id}}): a name, the
 * list's query string (filters, sort, order) and the columns to show, shared by the workspace's
 * members.
 */
public final class ViewRoutes {

  private final AdminAuth auth;
  private final SavedViews views;
  private final SettingsStore settings;
  private final Responses responses;
  private final ObjectMapper json;
  private final Clock clock;

  public ViewRoutes(
      Workspaces workspaces, SavedViews views, SettingsStore settings, Responses responses, ObjectMapper json, Clock clock) {
    this.auth = new AdminAuth(workspaces);
    this.views = views;
    this.settings = settings;
    this.responses = responses;
    this.json = json;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/views", this::list);
    routes.post("/api/v1/views", this::create);
    routes.get("/api/v1/views/{id}", this::get);
    routes.put("/api/v1/views/{id}", this::update);
    routes.delete("/api/v1/views/{id}", this::delete);
  }

  private void list(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    ObjectNode body = json.createObjectNode();
    ArrayNode list = body.putArray("views");
    views.views(workspace.id()).forEach(view -> list.add(node(view)));
    responses.json(ctx, 200, body);
  }

  private void create(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    String view = checked(JsonBody.read(ctx, json, "the view"), settings.get(workspace.id()));
    responses.json(ctx, 201, node(views.create(workspace.id(), view, clock.instant())));
  }

  private void get(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    responses.json(ctx, 200, node(views.view(workspace.id(), id(ctx)).orElseThrow(() -> notFound(ctx))));
  }

  private void update(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    long id = id(ctx);
    String view = checked(JsonBody.read(ctx, json, "the view"), settings.get(workspace.id()));
    if (!views.update(workspace.id(), id, view, clock.instant())) {
      throw notFound(ctx);
    }
    responses.json(ctx, 200, node(views.view(workspace.id(), id).orElseThrow(() -> notFound(ctx))));
  }

  private void delete(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    if (!views.delete(workspace.id(), id(ctx))) {
      throw notFound(ctx);
    }
    ctx.status(204);
  }

  /** The view as stored: {@code name}, {@code query} and {@code columns}, each checked. */
  public static String checked(JsonNode node, WorkspaceSettings workspaceSettings) {
    if (node == null || !node.isObject()) {
      throw invalid("body", "a view is a JSON object with a name, a query and columns");
    }
    for (String field : iterable(node)) {
      if (!Set.of("id", "name", "query", "columns", "updatedAt").contains(field)) {
        throw invalid(field, "unknown field '" + field + "'; a view has name, query and columns");
      }
    }
    if (!node.path("name").isTextual() || node.path("name").asText().isBlank()) {
      throw invalid("name", "name must be a non-empty string");
    }
    JsonNode query = node.get("query");
    if (query != null && !query.isNull() && !query.isTextual()) {
      throw invalid("query", "query is the accounts list's query string, e.g. \"tier=Gold&sort=health&order=asc\"");
    }
    String queryString = query == null || query.isNull() ? "" : query.asText().replaceFirst("^\\?", "");
    try {
      AccountsRoutes.query(queryString, workspaceSettings, Instant.EPOCH);
    } catch (ApiError.ApiException e) {
      throw invalid("query." + e.error().field(), e.error().reason());
    }
    List<String> columns = columns(node.get("columns"), workspaceSettings);
    ObjectNode stored = new ObjectMapper().createObjectNode();
    stored.put("name", node.get("name").asText().strip());
    stored.put("query", queryString);
    columns.forEach(stored.putArray("columns")::add);
    return stored.toString();
  }

  private static List<String> columns(JsonNode node, WorkspaceSettings workspaceSettings) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw invalid("columns", "columns is a list of the accounts list's columns");
    }
    Set<String> known = new LinkedHashSet<>(AccountsRoutes.COLUMNS);
    known.addAll(List.of("health.score", "health.band", "health.trend"));
    workspaceSettings.dimensions().stream().map(Dimension::name).forEach(name -> known.add("dimensions." + name));
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String column = node.get(i).asText("");
      if (!node.get(i).isTextual() || !known.contains(column)) {
        throw invalid("columns[" + i + "]", "columns[" + i + "] must be one of " + known + "; was " + node.get(i));
      }
      columns.add(column);
    }
    return columns;
  }

  private ObjectNode node(SavedViews.View view) {
    try {
      ObjectNode node = json.createObjectNode();
      node.put("id", view.id());
      node.setAll((ObjectNode) json.readTree(view.json()));
      node.put("updatedAt", view.updatedAt().toString());
      return node;
    } catch (IOException e) {
      throw new IllegalStateException("views are stored as JSON", e);
    }
  }

  private static long id(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw notFound(ctx);
    }
  }

  private static Iterable<String> iterable(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static ApiError.ApiException notFound(Context ctx) {
    return ApiError.notFound("view", ctx.pathParam("id")).exception();
  }

  private static ApiError.ApiException invalid(String field, String reason) {
    return ApiError.of(400, "invalid_view", field, reason).exception();
  }
}
