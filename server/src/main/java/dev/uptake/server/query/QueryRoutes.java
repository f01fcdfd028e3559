package dev.uptake.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.store.DebugEntry;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.IngestStats;
import dev.uptake.store.Quarantine;
import dev.uptake.store.Reprocessing;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/stats}, {@code GET /api/v1/debugger} and {@code POST
 * /api/v1/debugger/{messageId}/retry}.
 */
public final class QueryRoutes {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1_000;

  private final AdminAuth auth;
  private final IngestLedger ledger;
  private final Reprocessing reprocessing;
  private final Quarantine quarantine;
  private final Responses responses;
  private final ObjectMapper json;

  public QueryRoutes(
      Workspaces workspaces, IngestLedger ledger, Quarantine quarantine, Reprocessing reprocessing, Responses responses,
      ObjectMapper json) {
    this.auth = new AdminAuth(workspaces);
    this.ledger = ledger;
    this.reprocessing = reprocessing;
    this.quarantine = quarantine;
    this.responses = responses;
    this.json = json;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/stats", this::stats);
    routes.get("/api/v1/debugger", this::debugger);
    routes.post("/api/v1/debugger/{messageId}/retry", this::retry);
  }

  record Stats(
      String workspace,
      long received,
      long accepted,
      long rejected,
      long duplicates,
      long warnings,
      long processed,
      long failed,
      String lastEventAt,
      JsonNode reprocess) {}

  record DebuggerEntry(
      String status,
      String messageId,
      String type,
      String receivedAt,
      String eventTime,
      Integer index,
      List<DebugEntry.Reason> reasons,
      Object payload) {}

  record Debugger(List<DebuggerEntry> events) {}

  private void stats(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    IngestStats stats = ledger.stats(workspace.id());
    responses.json(
        ctx,
        200,
        new Stats(
            workspace.publicId(), stats.received(), stats.accepted(), stats.rejected(),
            stats.duplicates(), stats.warnings(), stats.processed(), stats.failed(), text(stats.lastEventAt()),
            MappingRoutes.status(reprocessing.job(workspace.id()), json)));
  }

  record Retry(String messageId, String status) {}

  /** An admin asks processing to try a failed event again, once the cause is fixed. */
  private void retry(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    String messageId = ctx.pathParam("messageId");
    switch (quarantine.requestRetry(workspace.id(), messageId)) {
      case REQUESTED -> responses.json(ctx, 202, new Retry(messageId, "retrying"));
      case NOT_FAILED -> throw ApiError.of(409, "not_failed", "messageId",
          "event " + messageId + " is not failed: only events with status failed in the debugger can be retried")
          .exception();
      case UNKNOWN -> throw ApiError.of(404, "not_found", "messageId",
          "this workspace has no accepted event with messageId " + messageId).exception();
    }
  }

  private void debugger(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    DebugEntry.Filter filter = filter(ctx.queryParam("status"));
    int limit = QueryParams.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
    List<DebuggerEntry> entries =
        ledger.latest(workspace.id(), filter, limit).stream().map(this::entry).toList();
    responses.json(ctx, 200, new Debugger(entries));
  }

  private DebuggerEntry entry(DebugEntry entry) {
    return new DebuggerEntry(
        entry.status(), entry.messageId(), entry.type(), text(entry.receivedAt()),
        text(entry.eventTime()), entry.index(), entry.reasons(), payload(entry.payload()));
  }

  /** The payload as JSON when it is JSON (stored events always are), else as the text received. */
  private Object payload(String text) {
    try {
      JsonNode node = json.readTree(text);
      return node != null && (node.isObject() || node.isArray()) ? node : text;
    } catch (java.io.IOException e) {
      return text;
    }
  }

  private static DebugEntry.Filter filter(String status) {
    return DebugEntry.Filter.of(status).orElseThrow(() -> ApiError.of(400, "invalid_parameter", "status",
        "status must be one of " + DebugEntry.Filter.NAMES + "; was '" + status + "'").exception());
  }


  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
