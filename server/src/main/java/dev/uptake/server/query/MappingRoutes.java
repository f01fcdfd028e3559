package dev.uptake.server.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.mapping.InvalidMappingException;
import dev.uptake.core.mapping.Mapping;
import dev.uptake.core.mapping.MappingCodec;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.store.EventFilter;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.LoggedEvent;
import dev.uptake.store.Reprocessing;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET}/{@code PUT /api/v1/mappings} (where events keep their module, feature, account and
 * session key), {@code POST /api/v1/mappings/preview} (the latest events read under a mapping, before
 * saving it) and {@code POST /api/v1/mappings/reprocess} (the workspace's derived state recomputed
 * from its events under the saved mapping; progress in {@code /api/v1/stats}).
 */
public final class MappingRoutes {

  /** How many of the latest events a preview reads. */
  public static final int PREVIEW_EVENTS = 20;

  private final AdminAuth auth;
  private final SettingsStore settings;
  private final IngestLedger ledger;
  private final Reprocessing reprocessing;
  private final boolean canReprocess;
  private final Responses responses;
  private final ObjectMapper json;
  private final Clock clock;

  /** @param canReprocess false in a cluster, whose processors do not replay (yet) */
  public MappingRoutes(
      Workspaces workspaces, SettingsStore settings, IngestLedger ledger, Reprocessing reprocessing, boolean canReprocess,
      Responses responses, ObjectMapper json, Clock clock) {
    this.auth = new AdminAuth(workspaces);
    this.settings = settings;
    this.ledger = ledger;
    this.reprocessing = reprocessing;
    this.canReprocess = canReprocess;
    this.responses = responses;
    this.json = json;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/mappings", this::get);
    routes.put("/api/v1/mappings", this::put);
    routes.post("/api/v1/mappings/preview", this::preview);
    routes.post("/api/v1/mappings/reprocess", this::reprocess);
  }

  /** Whether this server replays a workspace's events ({@code POST /api/v1/mappings/reprocess}). */
  public boolean canReprocess() {
    return canReprocess;
  }

  private void get(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    responses.json(ctx, 200, MappingCodec.write(settings.get(workspace.id()).mapping()));
  }

  private void put(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    Mapping mapping = read(JsonBody.read(ctx, json, "the mapping"));
    settings.putMapping(workspace.id(), mapping);
    responses.json(ctx, 200, MappingCodec.write(mapping));
  }

  /** The body's mapping (or, with no body, the saved one) applied to the latest events. */
  private void preview(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    Mapping mapping = ctx.body().isBlank() ? settings.get(workspace.id()).mapping()
        : read(JsonBody.read(ctx, json, "the mapping"));
    ObjectNode body = json.createObjectNode();
    body.set("mapping", MappingCodec.write(mapping));
    ArrayNode events = body.putArray("events");
    preview(workspace.id(), mapping).forEach(row -> events.add(json.valueToTree(row)));
    responses.json(ctx, 200, body);
  }

  /** One event as a mapping reads it. */
  public record PreviewRow(String messageId, String type, String name, String receivedAt, String module, String feature,
      String account, String sessionKey, boolean excluded) {}

  /** The workspace's latest {@link #PREVIEW_EVENTS} accepted events, newest first, as {@code mapping} reads them. */
  public List<PreviewRow> preview(long workspaceId, Mapping mapping) {
    List<LoggedEvent> latest = ledger.events(workspaceId, new EventFilter(null, null, null, null, null), Long.MAX_VALUE,
        PREVIEW_EVENTS);
    return latest.stream().map(logged -> {
      JsonNode payload;
      try {
        payload = json.readTree(logged.event().payload());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("stored payloads are JSON written by ingest", e);
      }
      Mapping.Reading reading = mapping.read(payload, logged.event().type());
      return new PreviewRow(logged.event().messageId(), logged.event().type().wireName(), logged.event().name(),
          logged.event().receivedAt().toString(), reading.module(), reading.feature(), reading.account(),
          reading.sessionKey(), reading.excluded());
    }).toList();
  }

  private void reprocess(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    if (!canReprocess) {
      throw ApiError.of(409, "not_in_a_cluster", null, "reprocessing runs on a single server (embedded, or with"
          + " --database); a cluster's processors do not replay yet: see docs/mappings.md").exception();
    }
    reprocessing.request(workspace.id(), clock.instant());
    responses.json(ctx, 202, status(reprocessing.job(workspace.id()), json));
  }

  /** A workspace's reprocessing as {@code /api/v1/stats} shows it, or null when it never asked for one. */
  static ObjectNode status(Optional<Reprocessing.Job> found, ObjectMapper json) {
    return found.map(job -> {
      ObjectNode node = json.createObjectNode();
      node.put("state", job.state());
      node.put("done", job.waiting() ? 0 : job.done());
      node.put("total", job.waiting() ? 0 : job.total());
      node.put("requestedAt", job.requestedAt().toString());
      node.put("finishedAt", job.waiting() || job.finishedAt() == null ? null : job.finishedAt().toString());
      return node;
    }).orElse(null);
  }

  private static Mapping read(JsonNode body) {
    try {
      return MappingCodec.read(body);
    } catch (InvalidMappingException e) {
      throw ApiError.of(400, "invalid_mapping", e.field(), e.getMessage()).exception();
    }
  }
}
