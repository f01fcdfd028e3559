package dev.uptake.server.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.uptake.core.health.AccountFigures;
import dev.uptake.core.health.HealthModel;
import dev.uptake.core.health.HealthScorer;
import dev.uptake.core.health.Metrics;
import dev.uptake.core.health.UsageFigures;
import dev.uptake.store.HealthModels;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Usage;
import dev.uptake.store.UsageRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every account of a workspace scored under its current health model, from the figures the
 * accounts list shows (so a score follows from what the list shows) and, for module and feature
 * metrics, the usage cells of the same 30 days. The trend is the score minus the one the
 * account's history recorded 7 days before under the same model.
 */
public final class HealthBoard {

  /** How stale module and feature figures may be; they cover days up to yesterday, which late events alone change. */
  static final Duration USAGE_FRESHNESS = Duration.ofSeconds(30);

  /** The workspace's scored accounts, under {@code version}, on {@code today} in its zone. */
  public record Scored(HealthModels.Version version, LocalDate today, List<AccountDirectory.Row> rows) {}

  private final AccountDirectory directory;
  private final HealthModels models;
  private final SettingsStore settings;
  private final Usage usage;
  private final Clock clock;
  private final Cache<Long, UsageByAccount> usageFigures =
      Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(USAGE_FRESHNESS).build();
  private final Cache<String, Map<String, HealthModels.Point>> weekAgo =
      Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(Duration.ofMinutes(10)).build();

  private record UsageByAccount(LocalDate asOf, Set<String> modules, Set<String> features, Map<String, UsageFigures> figures) {}

  public HealthBoard(AccountDirectory directory, HealthModels models, SettingsStore settings, Usage usage, Clock clock) {
    this.directory = directory;
    this.models = models;
    this.settings = settings;
    this.usage = usage;
    this.clock = clock;
  }

  /** The workspace's accounts, each with its {@link AccountDirectory.Row#health()}. */
  public Scored accounts(long workspaceId) {
    return scored(workspaceId, directory.accounts(workspaceId));
  }

  /** One account with its health (no rows when the workspace has no such account); only it is scored. */
  public Scored account(long workspaceId, String accountId) {
    return scored(workspaceId, directory.accounts(workspaceId).stream().filter(row -> row.accountId().equals(accountId))
        .toList());
  }

  private Scored scored(long workspaceId, List<AccountDirectory.Row> rows) {
    HealthModels.Version version = models.current(workspaceId);
    ZoneId zone = settings.get(workspaceId).timeZone();
    LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
    if (version.model().profiles().isEmpty()) {
      return new Scored(version, today, rows.stream().map(row -> row.scored(AccountScore.NONE)).toList());
    }
    Map<String, UsageFigures> usageOf = usageFigures(workspaceId, version.model(), today.minusDays(1));
    Map<String, HealthModels.Point> before = weekAgo.get(workspaceId + "/" + version.version() + "/" + today.minusDays(7),
        key -> models.pointsOn(workspaceId, version.version(), today.minusDays(7)));
    List<AccountDirectory.Row> scored = new ArrayList<>(rows.size());
    UsageFigures none = new UsageFigures(today.minusDays(1));
    for (AccountDirectory.Row row : rows) {
      AccountFigures figures = new AccountFigures(row.figures(), daysSince(row.view().activity().last(), today, zone),
          usageOf.getOrDefault(row.accountId(), none), row.view().dimensions());
      HealthScorer.Score score = HealthScorer.score(version.model(), row.text("tier"), row.text("lifecycleStage"), figures)
          .orElse(null);
      HealthModels.Point earlier = before.get(row.accountId());
      Double trend = score == null || earlier == null ? null : Math.round((score.score() - earlier.score()) * 10) / 10.0;
      scored.add(row.scored(new AccountScore(score, trend)));
    }
    return new Scored(version, today, scored);
  }

  /** Whole days from the day {@code last} fell on (in {@code zone}) to {@code today}; 0 when seen today. */
  static Long daysSince(Instant last, LocalDate today, ZoneId zone) {
    return last == null ? null : Math.max(0, ChronoUnit.DAYS.between(last.atZone(zone).toLocalDate(), today));
  }

  private Map<String, UsageFigures> usageFigures(long workspaceId, HealthModel model, LocalDate asOf) {
    Set<String> modules = model.namedAfter(Metrics.MODULE_ACTIVE_SECONDS);
    Set<String> features = model.namedAfter(Metrics.FEATURE_USERS);
    if (modules.isEmpty() && features.isEmpty()) {
      return Map.of();
    }
    UsageByAccount held = usageFigures.getIfPresent(workspaceId);
    if (held == null || !held.asOf().equals(asOf) || !held.modules().equals(modules) || !held.features().equals(features)) {
      held = new UsageByAccount(asOf, modules, features, byAccount(workspaceId, modules, features, asOf));
      usageFigures.put(workspaceId, held);
    }
    return held.figures();
  }

  /** The module and feature figures of the 30 days ending {@code asOf} of every account that has some. */
  private Map<String, UsageFigures> byAccount(long workspaceId, Set<String> modules, Set<String> features, LocalDate asOf) {
    Map<String, String> links = directory.accountsOfUsers(workspaceId);
    Map<String, UsageFigures> figures = new HashMap<>();
    for (UsageRow row : usage.cellsOf(workspaceId, modules, features, asOf.minusDays(29), asOf)) {
      String account = row.cell().accountKey().isEmpty() ? links.get(row.cell().userId()) : row.cell().accountKey();
      if (account != null) {
        figures.computeIfAbsent(account, id -> new UsageFigures(asOf)).add(row.cell(), row.measures());
      }
    }
    return figures;
  }

}
