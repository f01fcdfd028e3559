package dev.uptake.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.store.DebugEntry;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.Members;
import dev.uptake.store.SettingsStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The event debugger page: the latest events (accepted, with warnings, rejected), filtered by
 * status and type, refreshed every 2 seconds, each row opening to its payload and reasons.
 */
public final class DebuggerRoutes {

  /** Rows a page shows; a type filter looks through up to {@link #SCANNED} of the latest. */
  static final int SHOWN = 100;
  static final int SCANNED = 1_000;

  /** One row as the template shows it. */
  public record Row(String status, String type, String messageId, String receivedAt, Wording.When received, List<String> reasons,
      String payload) {
    public String firstReason() {
      return reasons.isEmpty() ? "" : reasons.get(0);
    }

    /** A stable element id, so a row someone opened stays open when the list refreshes. */
    public String elementId() {
      return "ev-" + Pages.sha256(status + "\n" + messageId + "\n" + receivedAt).substring(0, 16);
    }
  }

  private final IngestLedger ledger;
  private final Pages pages;
  private final SettingsStore settings;
  private final ObjectMapper json;
  private final Clock clock;

  public DebuggerRoutes(Pages pages, IngestLedger ledger, SettingsStore settings, ObjectMapper json, Clock clock) {
    this.ledger = ledger;
    this.pages = pages;
    this.settings = settings;
    this.json = json;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/debugger", this::page);
    routes.get("/debugger/rows", this::rows);
  }

  private void page(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    session.ifPresent(s -> pages.render(ctx, 200, "debugger.jte", pages.frame(s)));
  }

  private void rows(Context ctx) {
    Optional<Members.WebSession> session = pages.requireForPart(ctx);
    if (session.isEmpty()) {
      return;
    }
    DebugEntry.Filter status = DebugEntry.Filter.of(ctx.queryParam("status")).orElse(DebugEntry.Filter.ALL);
    String type = Optional.ofNullable(ctx.queryParam("type")).orElse("");
    ZoneId zone = settings.get(session.get().workspaceId()).timeZone();
    Instant now = clock.instant();
    List<Row> rows = ledger.latest(session.get().workspaceId(), status, type.isEmpty() ? SHOWN : SCANNED).stream()
        .filter(entry -> type.isEmpty() || type.equals(entry.type()))
        .limit(SHOWN)
        .map(entry -> row(entry, now, zone))
        .toList();
    pages.render(ctx, 200, "debugger-rows.jte", Map.of("rows", rows));
  }

  private Row row(DebugEntry entry, Instant now, ZoneId zone) {
    List<String> reasons = entry.reasons().stream()
        .map(reason -> reason.field() == null ? reason.reason() : reason.field() + ": " + reason.reason())
        .toList();
    return new Row(entry.status(), entry.type() == null ? "—" : entry.type(),
        entry.messageId() == null ? (entry.index() == null ? "" : "item " + entry.index()) : entry.messageId(),
        entry.receivedAt().toString(), Wording.when(entry.receivedAt(), now, zone), reasons, pretty(entry.payload()));
  }

  /** Stored events are JSON and shown indented; a rejected item is shown as it came. */
  private String pretty(String payload) {
    try {
      JsonNode node = json.readTree(payload);
      return node == null ? payload : json.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (IOException notJson) {
      return payload;
    }
  }
}
