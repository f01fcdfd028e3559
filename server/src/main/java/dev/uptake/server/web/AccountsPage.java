package dev.uptake.server.web;

import dev.uptake.core.identity.AccountState;
import dev.uptake.core.rollups.ActivityFigures;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.query.AccountDirectory;
import dev.uptake.server.query.AccountList;
import dev.uptake.server.query.AccountsRoutes;
import dev.uptake.store.Members;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The accounts table: the accounts list's figures, filters, sort, search and pages (50 rows, by
 * cursor, so 10,000 accounts are no heavier than 50), pending accounts marked, and the CSV of the
 * whole filtered list. Both are the query API's list ({@link AccountsRoutes}) for the session's
 * workspace.
 */
public final class AccountsPage {

  static final int PAGE_ROWS = 50;
  /** The filters the page carries from one request to the next; with the sort, what a page link keeps. */
  static final List<String> FILTERS = List.of("q", "tier", "lifecycleStage", "pending", "inactiveDays");
  static final List<String> KEPT = List.of("q", "tier", "lifecycleStage", "pending", "inactiveDays", "sort", "order");

  /** One row as the table shows it. */
  public record Line(String id, String name, String tier, String lifecycleStage, boolean pending, int activeUsers30d,
      String activeTime30d, long sessions30d, int daysActive30d, String trend, String dauMau, String lastSeenAt) {}

  private final Pages pages;
  private final AccountsRoutes accounts;

  public AccountsPage(Pages pages, AccountsRoutes accounts) {
    this.pages = pages;
    this.accounts = accounts;
  }

  public void register(RoutesConfig routes) {
    routes.get("/accounts", this::page);
    routes.get("/accounts/export", this::export);
  }

  private void page(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty()) {
      return;
    }
    Map<String, Object> model = pages.frame(session.get());
    String kept = query(ctx, KEPT);
    model.put("kept", kept);
    model.put("filters", query(ctx, FILTERS));
    KEPT.forEach(name -> model.put(name, Optional.ofNullable(ctx.queryParam(name)).orElse("")));
    try {
      AccountList.Page listed = accounts.page(ctx, session.get().workspaceId(), PAGE_ROWS);
      model.put("lines", listed.rows().stream().map(AccountsPage::line).toList());
      model.put("total", listed.total());
      model.put("next", listed.nextCursor() == null ? "" : "/accounts?" + kept + "&cursor=" + encode(listed.nextCursor()));
      model.put("error", "");
      pages.render(ctx, 200, "accounts.jte", model);
    } catch (ApiError.ApiException refused) {
      model.put("lines", List.of());
      model.put("total", 0);
      model.put("next", "");
      model.put("error", refused.error().reason());
      pages.render(ctx, 400, "accounts.jte", model);
    }
  }

  /** The whole filtered, sorted list as CSV, for the session's workspace. */
  private void export(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    session.ifPresent(s -> accounts.respond(ctx, s.workspaceId()));
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

  private static Line line(AccountDirectory.Row row) {
    AccountState account = row.view().account();
    ActivityFigures figures = row.figures();
    Instant lastSeen = row.view().activity().last();
    return new Line(account.accountId(), account.fields().text("name").orElse(""), account.fields().text("tier").orElse(""),
        account.fields().text("lifecycleStage").orElse(""), account.pending(), figures.activeUsers30d(),
        duration(figures.activeMillis30d() / 1000.0), figures.sessions30d(), figures.daysActive30d(),
        percent(figures.trend()), ratio(figures.dauMau()), lastSeen == null ? "" : lastSeen.toString());
  }

  static String duration(double seconds) {
    long total = Math.round(seconds);
    return total / 3600 + "h " + String.format(Locale.ROOT, "%02d", total % 3600 / 60) + "m";
  }

  private static String percent(Double trend) {
    return trend == null ? "—" : String.format(Locale.ROOT, "%+.0f%%", (trend - 1) * 100);
  }

  private static String ratio(Double value) {
    return value == null ? "—" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
