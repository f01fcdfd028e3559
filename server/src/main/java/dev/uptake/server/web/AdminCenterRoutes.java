package dev.uptake.server.web;

import dev.uptake.core.keys.EventKeys;
import dev.uptake.store.ApiCalls;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.IngestStats;
import dev.uptake.store.Members;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/**
 * The IT Administration Center (Settings): the keys and endpoint URLs to paste into Segment, the
 * contract's setup steps, key rotation with its grace period, a live "is data arriving" line, and
 * the API Status list of the workspace's last 1,000 Account API calls. Viewers see all of it but the Event auth key, and change nothing.
 */
public final class AdminCenterRoutes {

  /** How long rotated-out keys keep working: the choices the form offers. */
  static final Map<String, Duration> GRACE = Map.of(
      "1h", Duration.ofHours(1), "1d", Duration.ofDays(1), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));
  /** The live line counts at most this many of the last minute's events. */
  static final long LIVE_CAP = 10_000;

  /** One Account API call as the API Status list shows it. */
  public record ApiCallLine(Wording.When at, String method, String path, int status, int records, int failures) {}

  private final Workspaces workspaces;
  private final IngestLedger ledger;
  private final ApiCalls apiCalls;
  private final Pages pages;
  private final SettingsStore settings;
  private final Clock clock;

  public AdminCenterRoutes(
      Pages pages, Workspaces workspaces, IngestLedger ledger, ApiCalls apiCalls, SettingsStore settings, Clock clock) {
    this.workspaces = workspaces;
    this.ledger = ledger;
    this.apiCalls = apiCalls;
    this.settings = settings;
    this.pages = pages;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/settings", this::page);
    routes.get("/settings/live", this::live);
    routes.get("/settings/auth-key", this::authKey);
    routes.post("/settings/keys/rotate", this::rotate);
  }

  private void page(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty()) {
      return;
    }
    Workspace workspace = pages.workspace(session.get());
    EventKeys keys = workspaces.currentKeys(workspace);
    String rotated = ctx.queryParam("rotatedUntil");
    Map<String, Object> model = pages.frame(session.get());
    model.put("admin", session.get().role() == Members.Role.ADMIN);
    model.put("region", workspace.region().id());
    model.put("apiKey", keys.apiKey());
    model.put("writeKey", keys.writeKey());
    // Only an admin's page carries it: it writes accounts and users.
    model.put("accountApiKey", session.get().role() == Members.Role.ADMIN ? keys.accountApiKey() : "");
    model.put("baseUrl", Pages.baseUrl(ctx));
    model.put("collectorSnippet", CollectorSnippet.forWorkspace(Pages.baseUrl(ctx), keys.writeKey()));
    ZoneId zone = settings.get(workspace.id()).timeZone();
    Instant now = clock.instant();
    model.put("apiCalls", apiCalls.latest(workspace.id(), ApiCalls.KEPT).stream()
        .map(call -> new ApiCallLine(Wording.when(call.at(), now, zone), call.method(), call.path(), call.status(),
            call.records(), call.failures()))
        .toList());
    model.put("notice", rotated == null ? "" : "New keys issued. The previous keys keep working until " + rotated
        + ": move every sender to the new ones before then.");
    pages.render(ctx, 200, "admin-center.jte", model);
  }

  private void live(Context ctx) {
    Optional<Members.WebSession> session = pages.requireForPart(ctx);
    if (session.isEmpty()) {
      return;
    }
    long workspaceId = session.get().workspaceId();
    Instant now = clock.instant();
    long lastMinute = ledger.receivedSince(workspaceId, now.minusSeconds(60), LIVE_CAP);
    IngestStats stats = ledger.stats(workspaceId);
    String text = stats.lastEventAt() == null
        ? "No events yet: send one with the keys below, and it shows here within seconds."
        : (lastMinute >= LIVE_CAP ? LIVE_CAP + "+" : Long.toString(lastMinute)) + (lastMinute == 1 ? " event" : " events")
            + " received in the last minute · last event " + lastEvent(stats.lastEventAt(), now, workspaceId) + " · "
            + Wording.number(stats.accepted()) + " accepted, " + Wording.number(stats.rejected()) + " rejected in all";
    ctx.contentType("text/plain; charset=utf-8").header("Cache-Control", "no-store").result(text);
  }

  /** "2 min ago (30 Nov 2026, 16:20 CET)". */
  private String lastEvent(Instant at, Instant now, long workspaceId) {
    Wording.When when = Wording.when(at, now, settings.get(workspaceId).timeZone());
    return when.relative() + " (" + when.exact() + ")";
  }

  private void authKey(Context ctx) {
    Optional<Members.WebSession> session = pages.requireForPart(ctx);
    if (session.isEmpty()) {
      return;
    }
    if (!pages.admin(ctx, session.get())) {
      return;
    }
    Workspace workspace = pages.workspace(session.get());
    EventKeys keys = workspaces.currentKeys(workspace);
    pages.render(ctx, 200, "auth-key.jte",
        Map.of("authKey", keys.authKey(), "apiKey", keys.apiKey(), "baseUrl", Pages.baseUrl(ctx)));
  }

  private void rotate(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty() || !pages.admin(ctx, session.get()) || !pages.formAllowed(ctx, session.get())) {
      return;
    }
    Duration grace = GRACE.get(Optional.ofNullable(ctx.formParam("grace")).orElse(""));
    if (grace == null) {
      pages.refuse(ctx, 400, "grace must be one of " + GRACE.keySet());
      return;
    }
    Workspace workspace = pages.workspace(session.get());
    Workspaces.Rotated rotated = workspaces.rotateKeys(workspace.publicId(), grace, false);
    ctx.redirect("/settings?rotatedUntil=" + rotated.previousValidUntil(), HttpStatus.SEE_OTHER);
  }
}
