package dev.uptake.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.event.Event;
import dev.uptake.core.event.EventType;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.store.EventFilter;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.LoggedEvent;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/events?accountId=&userId=&type=&from=&to=}: accepted events as the log holds
 * them, newest received first, a page at a time ({@code limit}, {@code cursor}); in CSV without
 * {@code limit}, every matching event, streamed from the log as it is read. {@code from} and
 * {@code to} bound the event time: a day ({@code YYYY-MM-DD}, in the workspace's time zone, both
 * inclusive) or an ISO-8601 date-time ({@code to} exclusive).
 */
public final class EventsRoutes {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1_000;
  static final List<String> COLUMNS = List.of(
      "messageId", "type", "userId", "anonymousId", "accountId", "name", "module", "eventTime", "receivedAt", "payload");

  private final AdminAuth auth;
  private final IngestLedger ledger;
  private final SettingsStore settings;
  private final Responses responses;
  private final ObjectMapper json;

  public EventsRoutes(
      Workspaces workspaces, IngestLedger ledger, SettingsStore settings, Responses responses, ObjectMapper json) {
    this.auth = new AdminAuth(workspaces);
    this.ledger = ledger;
    this.settings = settings;
    this.responses = responses;
    this.json = json;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/events", this::events);
  }

  private void events(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    ZoneId zone = settings.get(workspace.id()).timeZone();
    EventFilter filter = new EventFilter(
        text(ctx, "accountId"), text(ctx, "userId"), type(text(ctx, "type")), time(ctx, "from", zone, false),
        time(ctx, "to", zone, true));
    long beforeSeq = cursor(text(ctx, "cursor"));
    if (Table.wantsCsv(ctx) && text(ctx, "limit") == null) {
      Table.streamCsv(ctx, "events", COLUMNS,
          rows -> ledger.forEachEvent(workspace.id(), filter, beforeSeq, Long.MAX_VALUE, logged -> rows.accept(row(logged.event()))),
          json);
      return;
    }
    int limit = QueryParams.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
    List<LoggedEvent> events = ledger.events(workspace.id(), filter, beforeSeq, limit + 1);
    Table table = new Table(COLUMNS, Set.of());
    events.stream().limit(limit).forEach(logged -> table.add(row(logged.event())));
    ObjectNode extra = json.createObjectNode();
    extra.put("nextCursor", events.size() > limit ? Long.toString(events.get(limit - 1).seq()) : null);
    table.answer(ctx, "events", extra, responses, json);
  }

  private Map<String, Object> row(Event event) {
    Map<String, Object> row = new HashMap<>();
    row.put("messageId", event.messageId());
    row.put("type", event.type().wireName());
    row.put("userId", event.userId());
    row.put("anonymousId", event.anonymousId());
    row.put("accountId", event.groupId());
    row.put("name", event.name());
    row.put("module", event.module());
    row.put("eventTime", event.eventTime().toString());
    row.put("receivedAt", event.receivedAt().toString());
    row.put("payload", payload(event.payload()));
    return row;
  }

  private JsonNode payload(String text) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("the log holds events as JSON", e);
    }
  }

  private static EventType type(String text) {
    if (text == null) {
      return null;
    }
    return EventType.fromWire(text).orElseThrow(() -> ApiError.of(
        400, "invalid_parameter", "type", "type must be one of " + EventType.WIRE_NAMES + "; was '" + text + "'").exception());
  }

  private static long cursor(String text) {
    if (text == null) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ApiError.of(400, "invalid_parameter", "cursor", "cursor is not one this list gave; start again without it")
          .exception();
    }
  }

  /** A day (start of it; for {@code to}, the start of the next) in the workspace's zone, or an instant. */
  private static Instant time(Context ctx, String name, ZoneId zone, boolean end) {
    String text = text(ctx, name);
    return text == null ? null : QueryParams.dayOrTime(name, text, zone, end);
  }

  private static String text(Context ctx, String name) {
    String value = ctx.queryParam(name);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
