package dev.uptake.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.health.HealthScorer;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.rollups.ActivityFigures;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.query.AccountDirectory;
import dev.uptake.server.query.AccountList;
import dev.uptake.server.query.AccountsRoutes;
import dev.uptake.server.query.ViewRoutes;
import dev.uptake.store.Members;
import dev.uptake.store.SavedViews;
import dev.uptake.store.SettingsStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The accounts table: the accounts list's figures and health, filters, sort, search and pages (50
 * rows, by cursor, so 10,000 accounts are no heavier than 50), pending accounts marked, the CSV of
 * the whole filtered list, and the workspace's saved views (a name, the list's query, the columns
 * shown) to open, save and delete. All of it is the query API's list ({@link AccountsRoutes}) for
 * the session's workspace.
 */
public final class AccountsPage {

  static final int PAGE_ROWS = 50;
  /** The filters the page carries from one request to the next; with the sort, what a page link keeps. */
  static final List<String> FILTERS = List.of("q", "tier", "lifecycleStage", "pending", "inactiveDays", "healthBand");
  static final List<String> KEPT = List.of("q", "tier", "lifecycleStage", "pending", "inactiveDays", "healthBand", "sort",
      "order");
  /** The columns the table can show after the account's name, in order, with their headings. */
  static final Map<String, String> COLUMNS = columns();

  /** One row as the table shows it. */
  public record Line(String id, String name, String tier, String lifecycleStage, boolean pending, String healthScore,
      String healthBand, String healthTrend, String activeUsers30d, String activeTime30d, String sessions30d,
      String daysActive30d, String trend, String dauMau, Wording.When lastSeen) {}

  /** A saved view in the menu. */
  public record ViewChoice(long id, String name, String href, boolean open) {}

  private final Pages pages;
  private final AccountsRoutes accounts;
  private final SavedViews views;
  private final SettingsStore settings;
  private final ObjectMapper json;
  private final Clock clock;

  public AccountsPage(
      Pages pages, AccountsRoutes accounts, SavedViews views, SettingsStore settings, ObjectMapper json, Clock clock) {
    this.pages = pages;
    this.accounts = accounts;
    this.views = views;
    this.settings = settings;
    this.json = json;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/accounts", this::page);
    routes.get("/accounts/export", this::export);
    routes.post("/accounts/views", this::saveView);
    routes.post("/accounts/views/{id}/delete", this::deleteView);
  }

  private void page(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty()) {
      return;
    }
    long workspaceId = session.get().workspaceId();
    Map<String, Object> model = pages.frame(session.get());
    String kept = query(ctx, KEPT);
    Set<String> shown = shown(ctx);
    model.put("kept", kept);
    model.put("filters", query(ctx, FILTERS) + columnsQuery(shown));
    model.put("columnsQuery", columnsQuery(shown));
    KEPT.forEach(name -> model.put(name, Optional.ofNullable(ctx.queryParam(name)).orElse("")));
    model.put("shown", shown);
    model.put("columns", COLUMNS);
    String open = Optional.ofNullable(ctx.queryParam("view")).orElse("");
    model.put("views", views.views(workspaceId).stream().map(view -> choice(view, open)).toList());
    model.put("viewError", "");
    render(ctx, session.get(), model);
  }

  private void render(Context ctx, Members.WebSession session, Map<String, Object> model) {
    ZoneId zone = settings.get(session.workspaceId()).timeZone();
    Instant now = clock.instant();
    try {
      AccountList.Page listed = accounts.page(ctx, session.workspaceId(), PAGE_ROWS);
      model.put("lines", listed.rows().stream().map(row -> line(row, now, zone)).toList());
      model.put("total", Wording.number(listed.total()));
      model.put("next", listed.nextCursor() == null ? ""
          : "/accounts?" + model.get("kept") + model.get("columnsQuery") + "&cursor=" + encode(listed.nextCursor()));
      model.put("error", "");
      pages.render(ctx, 200, "accounts.jte", model);
    } catch (ApiError.ApiException refused) {
      model.put("lines", List.of());
      model.put("total", "0");
      model.put("next", "");
      model.put("error", refused.error().reason());
      pages.render(ctx, 400, "accounts.jte", model);
    }
  }

  /** Saves the table as it is (its query and columns) under a name, for every member of the workspace. */
  private void saveView(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty() || !pages.formAllowed(ctx, session.get())) {
      return;
    }
    ObjectNode view = json.createObjectNode();
    view.put("name", Optional.ofNullable(ctx.formParam("name")).orElse("").strip());
    view.put("query", Optional.ofNullable(ctx.formParam("query")).orElse(""));
    ctx.formParams("columns").forEach(view.withArray("columns")::add);
    long workspaceId = session.get().workspaceId();
    try {
      SavedViews.View saved = views.create(workspaceId, ViewRoutes.checked(view, settings.get(workspaceId)), clock.instant());
      ctx.redirect("/accounts?" + view.get("query").asText() + columnsQuery(new LinkedHashSet<>(ctx.formParams("columns")))
          + "&view=" + saved.id(), HttpStatus.SEE_OTHER);
    } catch (ApiError.ApiException refused) {
      pages.refuse(ctx, 400, "The view was not saved: " + refused.error().reason());
    }
  }

  private void deleteView(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty() || !pages.formAllowed(ctx, session.get())) {
      return;
    }
    try {
      views.delete(session.get().workspaceId(), Long.parseLong(ctx.pathParam("id")));
    } catch (NumberFormatException e) {
      // no such view: nothing to delete
    }
    ctx.redirect("/accounts", HttpStatus.SEE_OTHER);
  }

  /** The whole filtered, sorted list as CSV, for the session's workspace. */
  private void export(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    session.ifPresent(s -> accounts.respond(ctx, s.workspaceId()));
  }

  private ViewChoice choice(SavedViews.View view, String open) {
    JsonNode stored = read(view.json());
    Set<String> columns = new LinkedHashSet<>();
    stored.path("columns").forEach(column -> columns.add(column.asText()));
    String query = stored.path("query").asText();
    String href = "/accounts?" + query + (query.isEmpty() ? "" : "&") + "view=" + view.id()
        + (columns.isEmpty() ? "" : columnsQuery(columns));
    return new ViewChoice(view.id(), stored.path("name").asText(), href, open.equals(String.valueOf(view.id())));
  }

  /** The columns the request asks for ({@code columns=tier&columns=health}), or all of them. */
  private static Set<String> shown(Context ctx) {
    Set<String> asked = new LinkedHashSet<>();
    for (String column : ctx.queryParams("columns")) {
      if (COLUMNS.containsKey(column)) {
        asked.add(column);
      }
    }
    return asked.isEmpty() ? COLUMNS.keySet() : asked;
  }

  private static String columnsQuery(Set<String> shown) {
    if (shown.equals(COLUMNS.keySet())) {
      return "";
    }
    StringBuilder query = new StringBuilder();
    shown.forEach(column -> query.append("&columns=").append(encode(column)));
    return query.toString();
  }

  /** Those of the request's parameters named, as a query string for links. */
  private static String query(Context ctx, List<String> names) {
    List<String> pairs = new ArrayList<>();
    for (String name : names) {
      String value = ctx.queryParam(name);
      if (value != null && !value.isBlank()) {
        pairs.add(name + "=" + encode(value));
      }
    }
    return String.join("&", pairs);
  }

  private static Line line(AccountDirectory.Row row, Instant now, ZoneId zone) {
    AccountState account = row.view().account();
    ActivityFigures figures = row.figures();
    HealthScorer.Score health = row.health() == null ? null : row.health().score();
    return new Line(account.accountId(), account.fields().text("name").orElse(""), account.fields().text("tier").orElse(""),
        account.fields().text("lifecycleStage").orElse(""), account.pending(),
        health == null ? "—" : String.format(Locale.ROOT, "%.0f", health.score()), health == null ? "" : health.band().id(),
        row.health() == null || row.health().trend() == null ? "" : String.format(Locale.ROOT, "%+.0f", row.health().trend()),
        Wording.number(figures.activeUsers30d()), Wording.duration(figures.activeMillis30d() / 1000.0),
        Wording.number(figures.sessions30d()), Wording.number(figures.daysActive30d()),
        Wording.trend(figures.trend(), figures.activeMillis30d()), ratio(figures.dauMau()),
        Wording.when(row.view().activity().last(), now, zone));
  }

  private static String ratio(Double value) {
    return value == null ? "—" : String.format(Locale.ROOT, "%.2f", value);
  }

  private JsonNode read(String text) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("views are stored as JSON", e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static Map<String, String> columns() {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("tier", "Tier");
    columns.put("lifecycleStage", "Lifecycle stage");
    columns.put("health", "Health");
    columns.put("activeUsers30d", "Active users");
    columns.put("activeSeconds30d", "Active time");
    columns.put("sessions30d", "Sessions");
    columns.put("daysActive30d", "Days active");
    columns.put("trend", "Trend");
    columns.put("dauMau", "DAU/MAU");
    columns.put("lastSeenAt", "Last seen");
    return Collections.unmodifiableMap(columns);
  }
}
