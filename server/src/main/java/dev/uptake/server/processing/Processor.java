package dev.uptake.server.processing;

import dev.uptake.core.event.Event;
import dev.uptake.core.identity.WorkingSet;
import dev.uptake.core.ingest.Warning;
import dev.uptake.core.pipeline.Pipeline;
import dev.uptake.core.sessions.SessionCache;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.store.LoggedEvent;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.ProcessingLog;
import dev.uptake.store.Profiles;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the event log from its durable cursor: reads a batch, runs it per workspace through the
 * {@link Pipeline} (users and accounts, sessions, rollups), and commits the changes with the new
 * cursor in one transaction.
 * A crash between two commits re-processes one batch, which changes nothing twice: every stage
 * is order-independent and idempotent. A failing batch is retried, never skipped.
 */
public final class Processor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Processor.class);

  static final int BATCH_SIZE = 50_000;
  private static final long IDLE_WAIT_MILLIS = 20;
  private static final long RETRY_WAIT_MILLIS = 1_000;
  /** Session events kept in memory per workspace (roughly 150 bytes each). */
  static final int SESSION_CACHE_EVENTS = 1_000_000;

  private final ProcessingLog eventLog;
  private final Profiles profiles;
  private final SettingsStore settings;
  private final Usage usage;
  private final Pipeline pipeline;
  private final Counter processed;
  private final Timer read;
  private final Timer compute;
  private final Timer commit;
  private final AtomicLong cursor = new AtomicLong();
  private final Map<Long, SessionCache> sessionCaches = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  public Processor(
      ProcessingLog eventLog, Profiles profiles, SettingsStore settings, Usage usage, Pipeline pipeline,
      MeterRegistry registry) {
    this.eventLog = eventLog;
    this.profiles = profiles;
    this.settings = settings;
    this.usage = usage;
    this.pipeline = pipeline;
    this.processed = Counter.builder("uptake.processing.events").description("events processed").register(registry);
    this.read = phase(registry, "read");
    this.compute = phase(registry, "compute");
    this.commit = phase(registry, "commit");
    Gauge.builder("uptake.processing.lag", this, Processor::lag)
        .description("events in the log not yet processed")
        .register(registry);
    this.thread = new Thread(this::run, "uptake-processor");
  }

  private static Timer phase(MeterRegistry registry, String phase) {
    return Timer.builder("uptake.processing.batch")
        .description("time per batch: reading the log, computing the pipeline, committing the changes")
        .tag("phase", phase)
        .register(registry);
  }

  public Processor start() {
    cursor.set(eventLog.cursor());
    thread.start();
    return this;
  }

  private double lag() {
    return Math.max(0, eventLog.lastSeq() - cursor.get());
  }

  private void run() {
    while (running) {
      try {
        if (processNextBatch() == 0) {
          TimeUnit.MILLISECONDS.sleep(IDLE_WAIT_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("processing the batch after seq {} failed; retrying in {} ms", cursor.get(), RETRY_WAIT_MILLIS, e);
        sleepQuietly(RETRY_WAIT_MILLIS);
      }
    }
  }

  /** Processes one batch; returns how many events it held (0: the log is caught up). */
  int processNextBatch() {
    List<LoggedEvent> batch = read.record(() -> eventLog.readAfter(cursor.get(), BATCH_SIZE));
    if (batch.isEmpty()) {
      return 0;
    }
    Map<Long, List<LoggedEvent>> byWorkspace = new LinkedHashMap<>();
    batch.forEach(event -> byWorkspace.computeIfAbsent(event.workspaceId(), id -> new ArrayList<>()).add(event));
    List<ProcessedBatch.WorkspaceChanges> changes = new ArrayList<>();
    compute.record(() -> byWorkspace.forEach((workspaceId, events) -> changes.add(process(workspaceId, events))));
    long lastSeq = batch.get(batch.size() - 1).seq();
    try {
      commit.record(() -> eventLog.commit(new ProcessedBatch(lastSeq, changes)));
    } catch (RuntimeException e) {
      sessionCaches.clear(); // the commit may or may not have happened
      throw e;
    }
    changes.forEach(change -> sessionCache(change.workspaceId()).committed(change.sessions()));
    cursor.set(lastSeq);
    processed.increment(batch.size());
    return batch.size();
  }

  private ProcessedBatch.WorkspaceChanges process(long workspaceId, List<LoggedEvent> logged) {
    Set<String> userIds = new HashSet<>();
    Set<String> accountIds = new HashSet<>();
    List<Event> events = new ArrayList<>(logged.size());
    for (LoggedEvent entry : logged) {
      events.add(entry.event());
      userIds.add(entry.event().userId());
      if (entry.event().groupId() != null) {
        accountIds.add(entry.event().groupId());
      }
    }
    WorkspaceSettings workspaceSettings = settings.get(workspaceId);
    WorkingSet working =
        new WorkingSet(profiles.users(workspaceId, userIds), profiles.accounts(workspaceId, accountIds));
    Pipeline.Result result =
        pipeline.process(events, workspaceSettings, working, sessionCache(workspaceId).over(usage.sessions(workspaceId)));
    Map<Long, List<Warning>> warnings = new HashMap<>();
    for (int i = 0; i < logged.size(); i++) {
      if (!result.warnings().get(i).isEmpty()) {
        warnings.put(logged.get(i).seq(), result.warnings().get(i));
      }
    }
    return new ProcessedBatch.WorkspaceChanges(
        workspaceId, logged.size(), List.copyOf(working.changedUsers()), List.copyOf(working.changedAccounts()),
        warnings, result.sessions().changes(), result.sessions().deltas());
  }

  private SessionCache sessionCache(long workspaceId) {
    return sessionCaches.computeIfAbsent(workspaceId, id -> new SessionCache(SESSION_CACHE_EVENTS));
  }

  private static void sleepQuietly(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
