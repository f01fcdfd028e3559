package dev.uptake.server.query;

import dev.uptake.core.health.AccountFigures;
import dev.uptake.core.health.HealthModel;
import dev.uptake.core.health.HealthScorer;
import dev.uptake.core.health.Metrics;
import dev.uptake.core.health.UsageFigures;
import dev.uptake.core.rollups.ActivityFigures;
import dev.uptake.core.rollups.DayActivity;
import dev.uptake.store.Usage;
import dev.uptake.store.UsageRow;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What accounts' scores would have been on past days under a model, from the stored activity: the
 * score of day D is the one the account had at the end of D (windows ending D − 1, days since last
 * seen counted to D), as the history records it. Dimensions, tiers and stages are today's.
 */
final class HealthPreview {

  /** An account's score on a day; null when it had none. */
  record DayScore(LocalDate day, HealthScorer.Score score) {}

  private final AccountDirectory directory;
  private final Usage usage;

  HealthPreview(AccountDirectory directory, Usage usage) {
    this.directory = directory;
    this.usage = usage;
  }

  /** Each of {@code rows}' accounts' score on each day from {@code from} to {@code to}, by account id. */
  Map<String, List<DayScore>> scores(
      long workspaceId, HealthModel model, Collection<AccountDirectory.Row> rows, LocalDate from, LocalDate to) {
    Map<String, String> links = directory.accountsOfUsers(workspaceId);
    Set<String> accounts = new HashSet<>();
    rows.forEach(row -> accounts.add(row.accountId()));
    Set<String> users = new HashSet<>();
    links.forEach((user, account) -> {
      if (accounts.contains(account)) {
        users.add(user);
      }
    });
    Map<String, List<DayActivity>> activity = new HashMap<>();
    for (DayActivity row : usage.activity(workspaceId, accounts, users, from.minusDays(ActivityFigures.DAYS_READ), to)) {
      String account = row.accountKey().isEmpty() ? links.get(row.userId()) : row.accountKey();
      if (account != null && accounts.contains(account)) {
        activity.computeIfAbsent(account, id -> new ArrayList<>()).add(row);
      }
    }
    activity.values().forEach(list -> list.sort(Comparator.comparing(DayActivity::day)));
    Map<String, List<UsageRow>> cells = new HashMap<>();
    for (UsageRow row : usage.cellsOf(workspaceId, model.namedAfter(Metrics.MODULE_ACTIVE_SECONDS),
        model.namedAfter(Metrics.FEATURE_USERS), from.minusDays(30), to)) {
      String account = row.cell().accountKey().isEmpty() ? links.get(row.cell().userId()) : row.cell().accountKey();
      if (account != null && accounts.contains(account)) {
        cells.computeIfAbsent(account, id -> new ArrayList<>()).add(row);
      }
    }
    Map<String, List<DayScore>> scores = new LinkedHashMap<>();
    for (AccountDirectory.Row row : rows) {
      List<DayActivity> own = activity.getOrDefault(row.accountId(), List.of());
      List<UsageRow> ownCells = cells.getOrDefault(row.accountId(), List.of());
      List<DayScore> days = new ArrayList<>();
      for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
        days.add(new DayScore(day, score(model, row, own, ownCells, day)));
      }
      scores.put(row.accountId(), days);
    }
    return scores;
  }

  /** The account's score at the end of {@code day}. */
  private static HealthScorer.Score score(
      HealthModel model, AccountDirectory.Row row, List<DayActivity> activity, List<UsageRow> cells, LocalDate day) {
    LocalDate asOf = day.minusDays(1);
    LocalDate lastSeen = null;
    for (DayActivity each : activity) {
      if (each.day().isAfter(day)) {
        break;
      }
      if (each.events() > 0) {
        lastSeen = each.day();
      }
    }
    UsageFigures usageFigures = new UsageFigures(asOf);
    cells.forEach(cell -> usageFigures.add(cell.cell(), cell.measures()));
    AccountFigures figures = new AccountFigures(ActivityFigures.of(activity, asOf),
        lastSeen == null ? null : ChronoUnit.DAYS.between(lastSeen, day), usageFigures, row.view().dimensions());
    return HealthScorer.score(model, row.text("tier"), row.text("lifecycleStage"), figures)
        .orElse(null);
  }
}
