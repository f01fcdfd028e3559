package dev.uptake.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.AccountView;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.rollups.Adoption;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Contributions;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.rollups.UsageReport;
import dev.uptake.core.sessions.Session;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.server.http.ApiError;
import dev.uptake.core.health.HealthScorer;
import dev.uptake.server.query.AccountDirectory;
import dev.uptake.server.query.AccountScore;
import dev.uptake.server.query.AccountUsers;
import dev.uptake.server.query.HealthBoard;
import dev.uptake.server.query.QueryParams;
import dev.uptake.store.HealthModels;
import dev.uptake.store.Members;
import dev.uptake.store.Profiles;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Usage;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One account at a glance ({@code /accounts/{id}}): its fields and dimensions, its health (score,
 * band, trend, groups, what costs it most, and the score's history), charts of daily active users
 * and of active time per module over a chosen range (30 days ending today by default), feature
 * adoption, its users by activity, and its recent sessions with their modules.
 */
public final class AccountPage {

  static final int SESSIONS = 20;

  /** A field as the page shows it: a label in words, the value for reading, and on hover what it is exactly. */
  public record Field(String name, String value, String title) {}

  /**
   * The health card.
   *
   * @param trend the change over 7 days in words, or "" without a score then
   * @param detractor what costs the score most, in words, or ""
   */
  public record HealthCard(String score, String band, String profile, String trend, List<Field> groups, List<Field> measures,
      String detractor) {}

  public record UserLine(String id, String name, Wording.When lastSeen, String activeTime, int rank) {}

  public record FeatureLine(String module, String feature, int users, int nonUsers, long events, String adoption) {}

  /** @param timeSource "measured" (by a collector such as uptake.js) or "estimated" (from the gaps between events) */
  public record SessionLine(String start, String user, String duration, String activeTime, String timeSource, String modules) {}

  private final Pages pages;
  private final AccountUsers accountUsers;
  private final Profiles profiles;
  private final Usage usage;
  private final SettingsStore settings;
  private final HealthBoard board;
  private final HealthModels models;
  private final ObjectMapper json;
  private final Clock clock;

  public AccountPage(
      Pages pages, Profiles profiles, Usage usage, SettingsStore settings, HealthBoard board, HealthModels models,
      AccountUsers accountUsers, ObjectMapper json, Clock clock) {
    this.board = board;
    this.models = models;
    this.pages = pages;
    this.accountUsers = accountUsers;
    this.profiles = profiles;
    this.usage = usage;
    this.settings = settings;
    this.json = json;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/accounts/{id}", this::page);
  }

  private void page(Context ctx) {
    Optional<Members.WebSession> session = pages.require(ctx);
    if (session.isEmpty()) {
      return;
    }
    long workspace = session.get().workspaceId();
    String id = ctx.pathParam("id");
    Optional<AccountState> account = profiles.account(workspace, id);
    if (account.isEmpty()) {
      pages.refuse(ctx, 404, "This workspace has no account '" + id + "'.");
      return;
    }
    WorkspaceSettings workspaceSettings = settings.get(workspace);
    ZoneId zone = workspaceSettings.timeZone();
    Optional<QueryParams.Days> range = range(ctx, zone, clock, pages);
    if (range.isEmpty()) {
      return;
    }
    LocalDate from = range.get().from();
    LocalDate to = range.get().to();
    List<UserState> users = profiles.usersOf(workspace, id);
    AccountView view = AccountView.of(account.get(), users);
    Map<Cell, Measures> cells = new HashMap<>();
    usage.accountUsage(workspace, id, from, to).forEach(row -> cells.merge(row.cell(), row.measures(), Measures::plus));
    UsageReport report = UsageReport.of(cells, from, to);

    Map<String, Object> model = pages.frame(session.get());
    model.put("accountId", id);
    model.put("accountName", view.account().fields().text("name").orElse(id));
    model.put("pending", view.account().pending());
    Instant now = clock.instant();
    model.put("fields", fields(view, now, zone));
    HealthBoard.Scored scored = board.account(workspace, id);
    AccountScore health = scored.rows().stream().findFirst()
        .map(AccountDirectory.Row::health).orElse(AccountScore.NONE);
    model.put("health", health.score() == null ? null : card(health));
    model.put("healthModel", scored.version().version() > 0);
    model.put("healthChart", write(healthChart(workspace, id, scored, health, from, to)));
    model.put("from", from.toString());
    model.put("to", to.toString());
    model.put("activeUsersChart", write(activeUsersChart(report)));
    model.put("moduleTimeChart", write(moduleTimeChart(report)));
    model.put("features", features(cells, users));
    AccountUsers.Ranking ranking = accountUsers.of(workspace, id);
    model.put("users", users(ranking, now, zone));
    model.put("usersAsOf", ranking.asOf().toString());
    model.put("sessions", sessions(workspace, id, from, to, zone, workspaceSettings.idleThresholdMinutes() * 60_000L));
    pages.render(ctx, 200, "account.jte", model);
  }

  private static List<Field> fields(AccountView view, Instant now, ZoneId zone) {
    List<Field> fields = new ArrayList<>();
    view.account().fields().values().forEach((name, value) -> {
      if (!value.value().isNull()) {
        fields.add(new Field(Wording.label(name), Wording.value(value.value(), zone), name));
      }
    });
    view.dimensions().values().forEach((name, value) -> {
      if (!value.value().isNull()) {
        fields.add(new Field(Wording.label(name), Wording.value(value.value(), zone), "custom dimension " + name));
      }
    });
    Wording.When last = Wording.when(view.activity().last(), now, zone);
    fields.add(new Field("Last seen", last.relative(), last.exact()));
    return fields;
  }

  private static HealthCard card(AccountScore health) {
    HealthScorer.Score score = health.score();
    String trend = health.trend() == null ? ""
        : health.trend() == 0 ? "unchanged over 7 days"
        : String.format(Locale.ROOT, "%+.1f over 7 days", health.trend());
    List<Field> groups = score.groups().stream()
        .map(group -> new Field(group.name(), String.format(Locale.ROOT, "%.0f", group.score()), "")).toList();
    List<Field> measures = score.measures().stream()
        .map(measure -> new Field(Wording.metric(measure.metric()), String.format(Locale.ROOT, "%.0f", measure.score()),
            "value " + String.format(Locale.ROOT, "%.2f", measure.value()).replaceAll("\\.?0+$", "")))
        .toList();
    String detractor = score.detractor() == null ? ""
        : Wording.metric(score.detractor().metric()) + " costs the most: it scores "
            + String.format(Locale.ROOT, "%.0f", score.detractor().score()) + " of 100.";
    return new HealthCard(String.format(Locale.ROOT, "%.0f", score.score()), score.band().id(), score.profile(), trend,
        groups, measures, detractor);
  }

  /** ECharts data: the days of the range, and the score kept for each under the current model (today's live). */
  private Map<String, Object> healthChart(
      long workspace, String id, HealthBoard.Scored scored, AccountScore health, LocalDate from, LocalDate to) {
    Map<LocalDate, Double> points = new TreeMap<>();
    models.history(workspace, scored.version().version(), id, from, to)
        .forEach(point -> points.put(point.day(), point.score()));
    if (health.score() != null && !scored.today().isBefore(from) && !scored.today().isAfter(to)) {
      points.put(scored.today(), health.score().score());
    }
    List<String> days = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      days.add(day.toString());
      values.add(points.get(day));
    }
    Map<String, Object> chart = new LinkedHashMap<>();
    chart.put("days", days);
    chart.put("series", List.of(Map.of("name", "health score", "data", values)));
    chart.put("max", 100);
    return chart;
  }

  /** ECharts data: the days, and each day's active users. */
  private static Map<String, Object> activeUsersChart(UsageReport report) {
    Map<String, Object> chart = new LinkedHashMap<>();
    chart.put("days", report.days().keySet().stream().map(LocalDate::toString).toList());
    chart.put("series", List.of(Map.of("name", "active users", "data",
        report.days().values().stream().map(UsageReport::activeUsers).toList())));
    return chart;
  }

  /** ECharts data: the days, and per module each day's active minutes (a stacked bar each). */
  private static Map<String, Object> moduleTimeChart(UsageReport report) {
    TreeSet<String> modules = new TreeSet<>(report.modules().keySet());
    List<Map<String, Object>> series = new ArrayList<>();
    for (String module : modules) {
      List<Double> minutes = report.days().values().stream()
          .map(day -> day.modules().getOrDefault(module, Measures.ZERO).activeMillis() / 60_000.0)
          .toList();
      series.add(Map.of("name", module, "data", minutes));
    }
    Map<String, Object> chart = new LinkedHashMap<>();
    chart.put("days", report.days().keySet().stream().map(LocalDate::toString).toList());
    chart.put("series", series);
    return chart;
  }

  private static List<FeatureLine> features(Map<Cell, Measures> cells, List<UserState> users) {
    return Adoption.features(cells, users.stream().map(UserState::userId).toList()).stream()
        .map(use -> new FeatureLine(use.module(), use.feature(), use.users(), use.nonUsers(), use.events(),
            use.adoption() == null ? "—" : Math.round(use.adoption() * 100) + "%"))
        .toList();
  }

  /** The account's users as the API ranks them (30 days ending yesterday). */
  private static List<UserLine> users(AccountUsers.Ranking ranking, Instant now, ZoneId zone) {
    List<UserLine> lines = new ArrayList<>();
    for (AccountUsers.Ranked ranked : ranking.users()) {
      UserState user = ranked.user();
      String name = (user.fields().text("firstName").orElse("") + " " + user.fields().text("lastName").orElse("")).strip();
      lines.add(new UserLine(user.userId(), name, Wording.when(user.activity().last(), now, zone),
          Wording.duration(ranked.figures().activeMillis30d() / 1000.0), ranked.rank()));
    }
    return lines;
  }

  /** An account's recent sessions in the range. */
  private List<SessionLine> sessions(long workspace, String id, LocalDate from, LocalDate to, ZoneId zone, long idle) {
    long fromMillis = from.atStartOfDay(zone).toInstant().toEpochMilli();
    long toMillis = to.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
    return lines(usage.accountSessions(workspace, id, fromMillis, toMillis, SESSIONS), zone, idle);
  }

  /** Sessions as the tables show them: start, user, duration, active time, active time per module. */
  static List<SessionLine> lines(List<Session> found, ZoneId zone, long idle) {
    List<SessionLine> lines = new ArrayList<>();
    for (Session session : found) {
      Map<String, Long> modules = new TreeMap<>();
      long active = 0;
      for (Map.Entry<Cell, Measures> cell : Contributions.of(List.of(session), idle, zone).entrySet()) {
        if (!cell.getKey().module().equals(Contributions.SESSION_ROW)) {
          modules.merge(cell.getKey().module(), cell.getValue().activeMillis(), Long::sum);
          active += cell.getValue().activeMillis();
        }
      }
      List<String> parts = new ArrayList<>();
      modules.forEach((module, millis) -> parts.add(module + " " + Wording.duration(millis / 1000.0)));
      lines.add(new SessionLine(Wording.exact(Instant.ofEpochMilli(session.startMillis()), zone), session.first().userId(),
          Wording.duration(session.durationMillis() / 1000.0), Wording.duration(active / 1000.0),
          session.measured() ? "measured" : "estimated", String.join(" · ", parts)));
    }
    return lines;
  }

  private String write(Object chart) {
    try {
      return json.writeValueAsString(chart);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("chart data are plain maps and lists", e);
    }
  }

  /**
   * The days a page shows: {@code from} and {@code to} by the API's one rule ({@link
   * QueryParams#days}), 30 days ending today by default; a range the API refuses is refused here
   * too, with the same reason.
   */
  static Optional<QueryParams.Days> range(Context ctx, ZoneId zone, Clock clock, Pages pages) {
    try {
      return Optional.of(QueryParams.days(ctx, zone, clock));
    } catch (ApiError.ApiException refused) {
      pages.refuse(ctx, 400, refused.error().reason());
      return Optional.empty();
    }
  }

}
