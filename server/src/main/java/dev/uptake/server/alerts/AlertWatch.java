package dev.uptake.server.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.server.query.AccountDirectory;
import dev.uptake.server.query.HealthBoard;
import dev.uptake.store.Alerts;
import dev.uptake.store.HealthModels;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.Reprocessing;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Usage;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every workspace: records each account's health score of the day, and evaluates the
 * alert rules, at least every {@link #EVERY} and within {@link #AFTER_BATCH} of a processed batch,
 * so an alert fires within a minute of its condition becoming true. Of several query nodes, the one
 * holding the lease does it; any node delivers.
 */
public final class AlertWatch implements AutoCloseable {

  static final Duration EVERY = Duration.ofSeconds(10);
  static final Duration AFTER_BATCH = Duration.ofSeconds(5);
  static final Duration LEASE = Duration.ofSeconds(90);
  private static final String LEASE_NAME = "alert-watch";
  private static final Logger LOG = LoggerFactory.getLogger(AlertWatch.class);

  private final Reprocessing reprocessing;
  private final Workspaces workspaces;
  private final Alerts alerts;
  private final HealthBoard board;
  private final HealthModels models;
  private final RuleEvaluator evaluator;
  private final LongSupplier processedUpTo;
  private final Clock clock;
  private final String holder = UUID.randomUUID().toString();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread watch = new Thread(runnable, "uptake-alert-watch");
    watch.setDaemon(true);
    return watch;
  });
  /** The points last recorded per workspace, under which model version, so only changed scores are written. */
  private final Map<Long, Recorded> recorded = new HashMap<>();

  private record Recorded(long version, Map<String, HealthModels.Point> points) {}
  private final AtomicLong passes = new AtomicLong();
  private long lastVersion = -1;
  private long lastRun = Long.MIN_VALUE / 2;

  public AlertWatch(
      Workspaces workspaces, Alerts alerts, HealthBoard board, HealthModels models, AccountDirectory directory,
      IngestLedger ledger, Usage usage, SettingsStore settings, Reprocessing reprocessing, LongSupplier processedUpTo,
      ObjectMapper json, Clock clock) {
    this.workspaces = workspaces;
    this.reprocessing = reprocessing;
    this.alerts = alerts;
    this.board = board;
    this.models = models;
    this.evaluator = new RuleEvaluator(alerts, directory, ledger, usage, settings, json, clock);
    this.processedUpTo = processedUpTo;
    this.clock = clock;
  }

  public AlertWatch start() {
    thread.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    return this;
  }

  private void tick() {
    try {
      long now = System.nanoTime();
      long version = processedUpTo.getAsLong();
      boolean due = now - lastRun >= EVERY.toNanos() || (version != lastVersion && now - lastRun >= AFTER_BATCH.toNanos());
      if (!due) {
        return;
      }
      lastRun = now;
      lastVersion = version;
      Instant at = clock.instant();
      if (alerts.lease(LEASE_NAME, holder, at, at.plus(LEASE))) {
        runOnce();
      }
    } catch (RuntimeException e) {
      LOG.warn("the alert watch failed; it tries again", e);
    }
  }

  /** Passes over every workspace so far, for {@code /metrics} (uptake_alerts_watch_passes_total). */
  public long passes() {
    return passes.get();
  }

  /**
   * One pass over every workspace. A workspace without a health model and without rules is left
   * alone: its accounts are not even loaded. So is one being reprocessed: until its replay ends,
   * its figures are partial, and would fire alerts and keep history points they do not deserve.
   */
  synchronized void runOnce() {
    for (Workspace workspace : workspaces.list()) {
      try {
        List<AlertRule> rules = evaluator.rules(workspace.id());
        boolean scores = models.current(workspace.id()).version() > 0;
        boolean accountRules = rules.stream().anyMatch(rule -> rule.kind() != AlertRule.Kind.TRACKING_STOPPED);
        boolean reprocessing = this.reprocessing.job(workspace.id()).filter(job -> !job.state().equals("done")).isPresent();
        if (!scores && rules.isEmpty() || reprocessing) {
          continue;
        }
        HealthBoard.Scored scored = scores || accountRules ? board.accounts(workspace.id()) : null;
        if (scores) {
          record(workspace.id(), scored);
        }
        evaluator.evaluate(workspace, rules, scored);
      } catch (RuntimeException e) {
        LOG.warn("watching workspace {} failed; it is tried again", workspace.publicId(), e);
      }
    }
    passes.incrementAndGet();
  }

  /** Keeps today's score of each scored account as its history point, writing only those that changed. */
  private void record(long workspaceId, HealthBoard.Scored scored) {
    long version = scored.version().version();
    Recorded held = recorded.get(workspaceId);
    if (held == null || held.version() != version) {
      held = new Recorded(version, new HashMap<>());
      recorded.put(workspaceId, held);
    }
    Map<String, HealthModels.Point> last = held.points();
    Map<String, HealthModels.Point> changed = new HashMap<>();
    for (AccountDirectory.Row row : scored.rows()) {
      if (row.health().score() != null) {
        HealthModels.Point point = new HealthModels.Point(row.accountId(), scored.today(), row.health().score().score(),
            row.health().score().band().id());
        if (!Objects.equals(last.get(row.accountId()), point)) {
          changed.put(row.accountId(), point);
        }
      }
    }
    models.record(workspaceId, version, changed.values());
    last.putAll(changed);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
      alerts.release(LEASE_NAME, holder);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("could not give up the alert watch's lease; another node takes it when it runs out", e);
    }
  }
}
