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
import java.time.Clock;

/**
 * {@code GET /api/v1/health} and {@code PUT /api/v1/health}: the workspace's health model. A model
 * that differs from the current one is saved as a new version; the old ones stay.
 */
public final class HealthRoutes {

  private final AdminAuth auth;
  private final HealthModels models;
  private final SettingsStore settings;
  private final Responses responses;
  private final ObjectMapper json;
  private final Clock clock;

  public HealthRoutes(
      Workspaces workspaces, HealthModels models, SettingsStore settings, Responses responses, ObjectMapper json,
      Clock clock) {
    this.auth = new AdminAuth(workspaces);
    this.models = models;
    this.settings = settings;
    this.responses = responses;
    this.json = json;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/health", this::get);
    routes.put("/api/v1/health", this::put);
  }

  private void get(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    responses.json(ctx, 200, HealthModelCodec.write(models.current(workspace.id()).model()));
  }

  private void put(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    JsonNode body = JsonBody.read(ctx, json, "the health model");
    HealthModel model;
    try {
      model = HealthModelCodec.checked(HealthModelCodec.read(body), settings.get(workspace.id()));
    } catch (InvalidSettingsException e) {
      throw ApiError.of(400, "invalid_health_model", e.field(), e.getMessage()).exception();
    }
    if (!model.equals(models.current(workspace.id()).model())) {
      models.save(workspace.id(), model, clock.instant());
    }
    responses.json(ctx, 200, HealthModelCodec.write(model));
  }
}
