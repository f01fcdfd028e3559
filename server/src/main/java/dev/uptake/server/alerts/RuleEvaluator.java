package dev.uptake.server.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.health.AccountFigures;
import dev.uptake.core.health.HealthModel;
import dev.uptake.core.health.HealthScorer;
import dev.uptake.core.rollups.DayActivity;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.query.AccountDirectory;
import dev.uptake.server.query.AccountList;
import dev.uptake.server.query.AccountsRoutes;
import dev.uptake.server.query.HealthBoard;
import dev.uptake.store.Alerts;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.IngestStats;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Usage;
import dev.uptake.store.Workspace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, rule by rule and account by account, what fires now: the condition holds, the cooldown
 * has passed, a quiet rule is armed again (the account was active since it last fired), a band rule
 * saw the band change into its own. While the workspace's traffic has stopped, quiet and usage-drop
 * alerts are held instead, once per account, with the reason.
 */
final class RuleEvaluator {

  /** Traffic counts as stopped without a trackingStopped rule after this long without events. */
  static final double STOPPED_MINUTES = AlertRuleCodec.DEFAULT_STOPPED_MINUTES;
  private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluator.class);

  private final Alerts alerts;
  private final AccountDirectory directory;
  private final IngestLedger ledger;
  private final Usage usage;
  private final SettingsStore settings;
  private final ObjectMapper json;
  private final Clock clock;
  /** Daily active time per account for usage-drop rules: past days, which late events alone change. */
  private final Map<Long, DailyActive> dailyActive = new HashMap<>();

  private record DailyActive(LocalDate asOf, long readAt, Map<String, Map<LocalDate, Long>> byAccount) {}

  RuleEvaluator(
      Alerts alerts, AccountDirectory directory, IngestLedger ledger, Usage usage, SettingsStore settings, ObjectMapper json,
      Clock clock) {
    this.alerts = alerts;
    this.directory = directory;
    this.ledger = ledger;
    this.usage = usage;
    this.settings = settings;
    this.json = json;
    this.clock = clock;
  }

  /** The workspace's rules that are not paused. */
  List<AlertRule> rules(long workspaceId) {
    List<AlertRule> rules = new ArrayList<>();
    for (Alerts.Rule stored : alerts.rules(workspaceId)) {
      AlertRule rule = AlertRuleCodec.load(stored.id(), stored.json(), json);
      if (!rule.paused()) {
        rules.add(rule);
      }
    }
    return rules;
  }

  /**
   * Evaluates {@code rules} (not paused) of the workspace.
   *
   * @param scored the workspace's scored accounts; null when every rule is workspace-wide
   */
  void evaluate(Workspace workspace, List<AlertRule> rules, HealthBoard.Scored scored) {
    if (rules.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    IngestStats stats = ledger.stats(workspace.id());
    double stopMinutes = rules.stream().filter(rule -> rule.kind() == AlertRule.Kind.TRACKING_STOPPED)
        .mapToDouble(AlertRule::threshold).min().orElse(STOPPED_MINUTES);
    Optional<ObjectNode> stopped = trackingStopped(workspace, stats, stopMinutes, now);
    for (AlertRule rule : rules) {
      try {
        if (rule.kind() == AlertRule.Kind.TRACKING_STOPPED) {
          evaluateStopped(workspace, rule, stats, now);
        } else {
          evaluateAccounts(workspace, rule, scored, stopped, now);
        }
      } catch (ApiError.ApiException e) {
        LOG.warn("alert rule {} of {} cannot be evaluated: {}", rule.id(), workspace.publicId(), e.error().reason());
      }
    }
  }

  /** No events for {@code minutes} while the same hour a week before had some: the details, or empty. */
  private Optional<ObjectNode> trackingStopped(Workspace workspace, IngestStats stats, double minutes, Instant now) {
    Instant last = stats.lastEventAt();
    Duration quiet = Duration.ofSeconds((long) (minutes * 60));
    if (last == null || Duration.between(last, now).compareTo(quiet) < 0) {
      return Optional.empty();
    }
    Instant weekAgo = now.minus(Duration.ofDays(7));
    Duration window = quiet.compareTo(Duration.ofHours(1)) < 0 ? Duration.ofHours(1) : quiet;
    if (!ledger.receivedBetween(workspace.id(), weekAgo.minus(window), weekAgo)) {
      return Optional.empty();
    }
    ObjectNode details = json.createObjectNode();
    details.put("minutes", (long) minutes);
    details.put("lastEventAt", last.toString());
    details.put("minutesWithoutEvents", Duration.between(last, now).toMinutes());
    details.put("sameHourLastWeekHadEvents", true);
    return Optional.of(details);
  }

  private void evaluateStopped(Workspace workspace, AlertRule rule, IngestStats stats, Instant now) {
    Optional<ObjectNode> details = trackingStopped(workspace, stats, rule.threshold(), now);
    Alerts.Mark mark = alerts.marks(rule.id()).getOrDefault("", Alerts.Mark.NONE);
    // Armed again once events arrived after it fired.
    if (details.isPresent() && (mark.firedAt() == null || stats.lastEventAt().isAfter(mark.firedAt()))
        && cooledDown(rule, mark, now)) {
      fire(workspace, rule, null, details.get(), "fired", now, new Alerts.Mark(now, null, null));
    }
  }

  private void evaluateAccounts(
      Workspace workspace, AlertRule rule, HealthBoard.Scored scored, Optional<ObjectNode> stopped, Instant now) {
    WorkspaceSettings workspaceSettings = settings.get(workspace.id());
    AccountList filter = AccountsRoutes.query(rule.filter(), workspaceSettings, now);
    Map<String, Alerts.Mark> marks = alerts.marks(rule.id());
    Map<String, Alerts.Mark> changed = new HashMap<>();
    HealthModel model = scored.version().model();
    for (AccountDirectory.Row row : scored.rows()) {
      if (!filter.matches(row)) {
        continue;
      }
      Alerts.Mark mark = marks.getOrDefault(row.accountId(), Alerts.Mark.NONE);
      Optional<ObjectNode> details = switch (rule.kind()) {
        case QUIET -> quiet(rule, row, mark, now);
        case USAGE_DROP -> usageDrop(workspace.id(), rule, row, scored.today());
        case HEALTH_BAND -> {
          String band = row.health().score() == null ? null : row.health().score().band().id();
          Optional<ObjectNode> became = mark.band() != null && !mark.band().equals(band) && rule.band().equals(band)
              ? Optional.of(bandDetails(row, mark.band())) : Optional.empty();
          if (!Objects.equals(band, mark.band())) {
            mark = new Alerts.Mark(mark.firedAt(), band, mark.heldAt());
            changed.put(row.accountId(), mark);
          }
          yield became;
        }
        case SEAT_UTILIZATION -> seats(rule, row, model);
        case TRACKING_STOPPED -> Optional.empty();
      };
      if (details.isEmpty() || !cooledDown(rule, mark, now)) {
        if (mark.heldAt() != null && (details.isEmpty() || stopped.isEmpty())) {
          changed.put(row.accountId(), new Alerts.Mark(mark.firedAt(), mark.band(), null));
        }
        continue;
      }
      if (rule.kind().heldWhileTrackingStopped() && stopped.isPresent()) {
        if (mark.heldAt() == null) {
          ObjectNode held = details.get();
          held.set("trackingStopped", stopped.get());
          fire(workspace, rule, row, held, "held", now, new Alerts.Mark(mark.firedAt(), mark.band(), now));
          changed.remove(row.accountId());
        }
        continue;
      }
      fire(workspace, rule, row, details.get(), "fired", now, new Alerts.Mark(now, mark.band(), null));
      changed.remove(row.accountId());
    }
    alerts.mark(rule.id(), changed);
  }

  private static boolean cooledDown(AlertRule rule, Alerts.Mark mark, Instant now) {
    return mark.firedAt() == null
        || !now.isBefore(mark.firedAt().plusSeconds((long) (rule.cooldownHours() * 3600)));
  }

  private Optional<ObjectNode> quiet(AlertRule rule, AccountDirectory.Row row, Alerts.Mark mark, Instant now) {
    Instant last = row.view().activity().last();
    if (last == null || Duration.between(last, now).compareTo(Duration.ofDays((long) rule.threshold())) < 0) {
      return Optional.empty();
    }
    if (mark.firedAt() != null && !last.isAfter(mark.firedAt())) {
      return Optional.empty(); // fired for this quiet spell already: re-armed by activity
    }
    ObjectNode details = json.createObjectNode();
    details.put("days", (long) rule.threshold());
    details.put("lastSeenAt", last.toString());
    details.put("daysSinceLastSeen", Duration.between(last, now).toDays());
    return Optional.of(details);
  }

  private Optional<ObjectNode> usageDrop(long workspaceId, AlertRule rule, AccountDirectory.Row row, LocalDate today) {
    Map<LocalDate, Long> days = dailyActive(workspaceId, today.minusDays(1)).getOrDefault(row.accountId(), Map.of());
    long recent = 0;
    long before = 0;
    for (int i = 1; i <= 2 * rule.windowDays(); i++) {
      long active = days.getOrDefault(today.minusDays(i), 0L);
      if (i <= rule.windowDays()) {
        recent += active;
      } else {
        before += active;
      }
    }
    if (before == 0 || (before - recent) * 100.0 / before < rule.threshold()) {
      return Optional.empty();
    }
    ObjectNode details = json.createObjectNode();
    details.put("percent", rule.threshold());
    details.put("windowDays", rule.windowDays());
    details.put("activeSeconds", recent / 1000.0);
    details.put("activeSecondsBefore", before / 1000.0);
    details.put("changePercent", Math.round((recent - before) * 1000.0 / before) / 10.0);
    return Optional.of(details);
  }

  /** Active milliseconds per account and day over the longest window ending {@code asOf}, read again every 10 minutes. */
  private Map<String, Map<LocalDate, Long>> dailyActive(long workspaceId, LocalDate asOf) {
    DailyActive held = dailyActive.get(workspaceId);
    long now = System.nanoTime();
    if (held == null || !held.asOf().equals(asOf) || now - held.readAt() > Duration.ofMinutes(10).toNanos()) {
      Map<String, String> links = directory.accountsOfUsers(workspaceId);
      Map<String, Map<LocalDate, Long>> byAccount = new HashMap<>();
      for (DayActivity row : usage.activity(workspaceId, asOf.minusDays(2L * AlertRuleCodec.MAX_WINDOW_DAYS - 1), asOf)) {
        String account = row.accountKey().isEmpty() ? links.get(row.userId()) : row.accountKey();
        if (account != null) {
          byAccount.computeIfAbsent(account, id -> new HashMap<>()).merge(row.day(), row.activeMillis(), Long::sum);
        }
      }
      held = new DailyActive(asOf, now, byAccount);
      dailyActive.put(workspaceId, held);
    }
    return held.byAccount();
  }

  private ObjectNode bandDetails(AccountDirectory.Row row, String previous) {
    HealthScorer.Score score = row.health().score();
    ObjectNode details = json.createObjectNode();
    details.put("band", score.band().id());
    details.put("previousBand", previous);
    details.put("score", score.score());
    details.put("profile", score.profile());
    if (score.detractor() != null) {
      details.putObject("detractor").put("metric", score.detractor().metric()).put("score", score.detractor().score());
    }
    return details;
  }

  private Optional<ObjectNode> seats(AlertRule rule, AccountDirectory.Row row, HealthModel model) {
    String dimension = rule.seatsDimension();
    if (dimension == null) {
      dimension = model.profileFor(row.text("tier"), row.text("lifecycleStage"))
          .map(HealthModel.Profile::seatsDimension).orElse(null);
    }
    AccountFigures figures = new AccountFigures(row.figures(), null, null, row.view().dimensions());
    OptionalDouble utilization = HealthScorer.seatUtilization(dimension, figures);
    if (utilization.isEmpty()) {
      return Optional.empty();
    }
    double value = utilization.getAsDouble();
    if (rule.above() ? value <= rule.threshold() : value >= rule.threshold()) {
      return Optional.empty();
    }
    ObjectNode details = json.createObjectNode();
    details.put("seatUtilization", Math.round(value * 10) / 10.0);
    details.put(rule.above() ? "above" : "below", rule.threshold());
    details.put("activeUsers30d", row.figures().activeUsers30d());
    details.put("seatsDimension", dimension);
    details.put("seats", figures.value("dimension." + dimension).orElse(0));
    return Optional.of(details);
  }

  private void fire(
      Workspace workspace, AlertRule rule, AccountDirectory.Row row, ObjectNode details, String status, Instant now,
      Alerts.Mark mark) {
    String id = UUID.randomUUID().toString();
    ObjectNode body = json.createObjectNode();
    body.put("id", id);
    body.put("rule", rule.id());
    body.put("ruleName", rule.name());
    body.put("kind", rule.kind().id());
    body.put("workspace", workspace.publicId());
    body.put("workspaceName", workspace.name());
    if (row == null) {
      body.putNull("account");
    } else {
      body.putObject("account").put("id", row.accountId()).put("name", row.text("name")).put("tier", row.text("tier"))
          .put("lifecycleStage", row.text("lifecycleStage"));
    }
    body.put("firedAt", now.toString());
    body.put("condition", rule.describe());
    body.put("summary", AlertMessages.line(rule, row == null ? null : row.text("name"), row == null ? null : row.accountId(),
        workspace.name()));
    body.set("details", details);
    List<Alerts.Delivery> deliveries = new ArrayList<>();
    if (status.equals("fired")) {
      for (int i = 0; i < rule.destinations().size(); i++) {
        AlertRule.Destination destination = rule.destinations().get(i);
        ObjectNode target = json.createObjectNode().put("type", destination.type()).put("url", destination.url().toString())
            .put("secret", destination.secret()).put("appUrl", rule.appUrl());
        deliveries.add(new Alerts.Delivery(id, i, target.toString(), "pending", "[]", now));
      }
    }
    alerts.fire(new Alerts.Alert(id, workspace.id(), rule.id(), row == null ? null : row.accountId(), rule.kind().id(), status,
        now, body.toString()), deliveries, mark);
  }

}
