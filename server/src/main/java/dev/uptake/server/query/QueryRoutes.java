package dev.uptake.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.store.DebugEntry;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.IngestStats;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** {@code GET /api/v1/stats} and {@code GET /api/v1/debugger}. */
public final class QueryRoutes {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1_000;

  private final AdminAuth auth;
  private final IngestLedger ledger;
  private final Responses responses;
  private final ObjectMapper json;

  public QueryRoutes(Workspaces workspaces, IngestLedger ledger, Responses responses, ObjectMapper json) {
    this.auth = new AdminAuth(workspaces);
    this.ledger = ledger;
    this.responses = responses;
    this.json = json;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/stats", this::stats);
    routes.get("/api/v1/debugger", this::debugger);
  }

  record Stats(
      String workspace,
      long received,
      long accepted,
      long rejected,
      long duplicates,
      long warnings,
      long processed,
      String lastEventAt) {}

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
            stats.duplicates(), stats.warnings(), stats.processed(), text(stats.lastEventAt())));
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
    if (status == null || status.isBlank()) {
      return DebugEntry.Filter.ALL;
    }
    return switch (status.toLowerCase(Locale.ROOT)) {
      case "accepted" -> DebugEntry.Filter.ACCEPTED;
      case "rejected" -> DebugEntry.Filter.REJECTED;
      case "warning" -> DebugEntry.Filter.WARNING;
      default ->
          throw ApiError.of(
                  400, "invalid_parameter", "status",
                  "status must be accepted, rejected or warning; was '" + status + "'")
              .exception();
    };
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
