package dev.uptake.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.settings.InvalidSettingsException;
import dev.uptake.core.settings.SettingsCodec;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code GET /api/v1/settings} and {@code PUT /api/v1/settings} (the whole set; left out = default). */
public final class SettingsRoutes {

  private final AdminAuth auth;
  private final SettingsStore settings;
  private final Responses responses;
  private final ObjectMapper json;

  public SettingsRoutes(Workspaces workspaces, SettingsStore settings, Responses responses, ObjectMapper json) {
    this.auth = new AdminAuth(workspaces);
    this.settings = settings;
    this.responses = responses;
    this.json = json;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/settings", this::get);
    routes.put("/api/v1/settings", this::put);
  }

  private void get(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    responses.json(ctx, 200, SettingsCodec.write(settings.get(workspace.id())));
  }

  private void put(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    JsonNode body = JsonBody.read(ctx, json, "the settings body");
    WorkspaceSettings parsed;
    try {
      parsed = SettingsCodec.read(body);
    } catch (InvalidSettingsException e) {
      throw ApiError.of(400, "invalid_settings", e.field(), e.getMessage()).exception();
    }
    settings.put(workspace.id(), parsed);
    responses.json(ctx, 200, SettingsCodec.write(parsed));
  }
}
