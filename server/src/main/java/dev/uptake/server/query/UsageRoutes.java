package dev.uptake.server.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Contributions;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.rollups.UsageReport;
import dev.uptake.core.sessions.Session;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.store.Profiles;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Usage;
import dev.uptake.store.UsageRow;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage and sessions of an account or a user over days of the workspace's time zone: {@code
 * GET /api/v1/accounts/{id}/usage}, {@code …/sessions}, and the same under {@code /api/v1/users}.
 * {@code from} and {@code to} are inclusive days ({@code YYYY-MM-DD}); by default the 30 days
 * ending today.
 */
public final class UsageRoutes {

  static final int DEFAULT_SESSIONS = 100;
  static final int MAX_SESSIONS = 1_000;

  private final AdminAuth auth;
  private final Profiles profiles;
  private final SettingsStore settings;
  private final Usage usage;
  private final Responses responses;
  private final ObjectMapper json;
  private final Clock clock;

  public UsageRoutes(Workspaces workspaces, Profiles profiles, SettingsStore settings, Usage usage, Responses responses,
      ObjectMapper json, Clock clock) {
    this.auth = new AdminAuth(workspaces);
    this.profiles = profiles;
    this.settings = settings;
    this.usage = usage;
    this.responses = responses;
    this.json = json;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/accounts/{id}/usage", ctx -> usage(ctx, true));
    routes.get("/api/v1/users/{id}/usage", ctx -> usage(ctx, false));
    routes.get("/api/v1/accounts/{id}/sessions", ctx -> sessions(ctx, true));
    routes.get("/api/v1/users/{id}/sessions", ctx -> sessions(ctx, false));
  }

  private void usage(Context ctx, boolean account) {
    Workspace workspace = auth.workspace(ctx);
    String id = existing(workspace, ctx.pathParam("id"), account);
    WorkspaceSettings workspaceSettings = settings.get(workspace.id());
    QueryParams.Days range = QueryParams.days(ctx, workspaceSettings.timeZone(), clock);
    List<UsageRow> rows = account
        ? usage.accountUsage(workspace.id(), id, range.from(), range.to())
        : usage.userUsage(workspace.id(), id, range.from(), range.to());
    Map<Cell, Measures> cells = new HashMap<>();
    rows.forEach(row -> cells.merge(row.cell(), row.measures(), Measures::plus));
    UsageReport report = UsageReport.of(cells, range.from(), range.to());
    ObjectNode body = report(report);
    body.put("from", range.from().toString());
    body.put("to", range.to().toString());
    body.put("timeZone", workspaceSettings.timeZone().getId());
    ArrayNode days = body.putArray("days");
    report.days().forEach((day, daily) -> days.add(report(daily).put("day", day.toString())));
    responses.json(ctx, 200, body);
  }

  private void sessions(Context ctx, boolean account) {
    Workspace workspace = auth.workspace(ctx);
    String id = existing(workspace, ctx.pathParam("id"), account);
    WorkspaceSettings workspaceSettings = settings.get(workspace.id());
    QueryParams.Days range = QueryParams.days(ctx, workspaceSettings.timeZone(), clock);
    int limit = QueryParams.limit(ctx, DEFAULT_SESSIONS, MAX_SESSIONS);
    long from = range.from().atStartOfDay(workspaceSettings.timeZone()).toInstant().toEpochMilli();
    long to = range.to().plusDays(1).atStartOfDay(workspaceSettings.timeZone()).toInstant().toEpochMilli();
    List<Session> found = account
        ? usage.accountSessions(workspace.id(), id, from, to, limit)
        : usage.userSessions(workspace.id(), id, from, to, limit);
    ArrayNode list = json.createArrayNode();
    for (Session session : found) {
      list.add(session(workspace, session, account ? id : null, workspaceSettings));
    }
    ObjectNode body = json.createObjectNode();
    body.set("sessions", list);
    responses.json(ctx, 200, body);
  }

  private ObjectNode session(Workspace workspace, Session session, String accountId, WorkspaceSettings workspaceSettings) {
    long idle = workspaceSettings.idleThresholdMinutes() * 60_000L;
    long timeout = workspaceSettings.sessionTimeoutMinutes() * 60_000L;
    Map<Cell, Measures> cells = Contributions.of(List.of(session), idle, workspaceSettings.timeZone());
    UsageReport report = UsageReport.of(cells, Contributions.day(session.startMillis(), workspaceSettings.timeZone()),
        Contributions.day(session.endMillis(), workspaceSettings.timeZone()));
    String firstAccount = session.first().accountKey();
    String account = accountId != null ? accountId : !firstAccount.isEmpty() ? firstAccount
        : profiles.user(workspace.id(), session.first().userId()).map(UserState::accountId).orElse(null);
    ObjectNode node = json.createObjectNode();
    node.put("id", session.sessionKey() + "@" + Instant.ofEpochMilli(session.startMillis()));
    node.put("sessionKey", session.sessionKey());
    node.put("userId", session.first().userId());
    node.put("accountId", account);
    node.put("start", Instant.ofEpochMilli(session.startMillis()).toString());
    node.put("end", Instant.ofEpochMilli(session.endMillis()).toString());
    node.put("durationSeconds", seconds(session.durationMillis()));
    node.put("activeSeconds", seconds(report.activeMillis()));
    node.put("timeSource", session.measured() ? "measured" : "estimated");
    node.put("events", report.events());
    node.set("modules", modules(report));
    node.put("open", session.open(clock.millis(), timeout));
    return node;
  }

  private ObjectNode report(UsageReport report) {
    ObjectNode node = json.createObjectNode();
    node.put("activeUsers", report.activeUsers());
    node.put("sessions", report.sessions());
    node.put("durationSeconds", seconds(report.durationMillis()));
    node.put("activeSeconds", seconds(report.activeMillis()));
    node.put("events", report.events());
    node.set("modules", modules(report));
    ArrayNode features = node.putArray("features");
    for (UsageReport.FeatureUse use : report.features()) {
      features.addObject().put("module", use.module()).put("feature", use.feature()).put("events", use.events())
          .put("users", use.users());
    }
    return node;
  }

  private ObjectNode modules(UsageReport report) {
    ObjectNode modules = json.createObjectNode();
    report.modules().forEach((module, measures) -> modules.putObject(module)
        .put("durationSeconds", seconds(measures.durationMillis()))
        .put("activeSeconds", seconds(measures.activeMillis()))
        .put("measuredSeconds", seconds(measures.measuredMillis()))
        .put("timeSource", measures.timeSource())
        .put("events", measures.events()));
    return modules;
  }

  private String existing(Workspace workspace, String id, boolean account) {
    boolean found = account ? profiles.account(workspace.id(), id).isPresent() : profiles.user(workspace.id(), id).isPresent();
    if (!found) {
      throw ApiError.notFound(account ? "account" : "user", id).exception();
    }
    return id;
  }

  private static double seconds(long millis) {
    return millis / 1000.0;
  }
}
