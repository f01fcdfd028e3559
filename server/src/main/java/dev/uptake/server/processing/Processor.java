package dev.uptake.server.processing;

import dev.uptake.core.identity.ProfileCache;
import dev.uptake.core.pipeline.Pipeline;
import dev.uptake.core.sessions.SessionCache;
import dev.uptake.store.LogEntry;
import dev.uptake.store.LoggedEvent;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.CursorMovedException;
import dev.uptake.store.ProcessingLog;
import dev.uptake.store.Reprocessing;
import dev.uptake.store.StateWriter;
import dev.uptake.store.Profiles;
import dev.uptake.store.Quarantined;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.UnreadableEvent;
import dev.uptake.store.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the event log from its durable cursor: reads a batch, runs it per workspace through the
 * {@link Pipeline} (users and accounts, sessions, rollups), and commits the changes with the new
 * cursor in one transaction. Computing and committing overlap: while one {@link Checkpoint}
 * commits on the committer thread, the next batches are computed against what it and they change
 * ({@link Computation}) and merged into the next checkpoint, which the committer takes as soon as
 * it is free. So a checkpoint holds one batch when processing keeps up with the log (figures stay
 * fresh) and many when it catches up with a backlog (a row many batches touch is written once). A
 * crash between two commits re-processes the batches of one checkpoint, which changes nothing twice:
 * every stage is order-independent and idempotent.
 *
 * <p>A batch that fails is never retried as a whole forever: when the store itself works, the
 * failure is narrowed down to the events that cause it ({@link Narrowing}), they are set aside
 * with their error, and everything else is committed. When the store does not work, the batch is
 * retried with a growing pause. An {@link Error} other than a stack overflow stops the thread:
 * {@link #failure()} says so, and the process is expected to exit (see docs/operations.md).
 */
public final class Processor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Processor.class);

  static final int BATCH_SIZE = 50_000;
  /** A batch also stops at this many bytes of payload: 50,000 events of up to 32 KB would be 1.6 GB. */
  static final long BATCH_BYTES = 16L << 20;
  static final int RETRY_BATCH_SIZE = 1_000;
  /** Computing waits for the committer when the next checkpoint holds this many events. */
  static final int CHECKPOINT_EVENTS = 250_000;
  /** A reprocessing's replay goes this many events at a time, so the log's own batches keep their turn. */
  static final int REPLAY_BATCH_SIZE = 10_000;
  /** How often the processor looks for a reprocessing to do while none is under way. */
  private static final long REPLAY_CHECK_NANOS = 500_000_000L;
  private static final long IDLE_WAIT_MILLIS = 20;
  private static final long STANDBY_WAIT_MILLIS = 1_000;
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  /**
   * How processing stands, for {@code /health/ready}.
   *
   * @param standingBy another process is processing the store; the lag is that process's
   */
  public record Status(
      boolean running, Throwable fatal, String failing, boolean standingBy, long lagEvents, Duration lagTime) {}

  private final int batchSize;
  private final ProcessingLog processingLog;
  private final StateWriter stateWriter;
  private final Reprocessing reprocessing;
  private final Computation computation;
  private final Clock clock;
  private final Counter processed;
  private final Counter failures;
  private final Counter setAside;
  private final Timer read;
  private final Timer compute;
  private final Timer commit;
  private final DistributionSummary checkpointEvents;
  /** The committed cursor. */
  private final AtomicLong cursor = new AtomicLong();
  /** Events of the checkpoint being committed, 0 when none is. */
  private final AtomicLong committing = new AtomicLong();
  private final Thread thread;
  private final ExecutorService committer;
  /** Batches computed, not handed to the committer yet; null when none. */
  private Checkpoint next;
  /** The checkpoint the committer is committing, or null. */
  private InFlight inFlight;
  /** Up to where batches are computed: the cursor, or past it by the checkpoints not committed yet. */
  private long computed;
  /** After a checkpoint's commit failed: the batches up to here commit one by one, narrowed down on failure. */
  private long oneByOneThrough;
  private volatile boolean running = true;
  private volatile boolean claimed;
  private volatile boolean standingBy;
  private volatile Throwable fatal;
  private volatile String failing;
  private long nextReplayCheck;

  public Processor(
      ProcessingLog processingLog, StateWriter stateWriter, Reprocessing reprocessing, Profiles profiles,
      SettingsStore settings, Usage usage, Pipeline pipeline, SessionCache sessionCache, ProfileCache profileCache,
      MeterRegistry registry, Clock clock) {
    this(processingLog, stateWriter, reprocessing, profiles, settings, usage, pipeline, sessionCache, profileCache, registry,
        clock, BATCH_SIZE);
  }

  /** @param batchSize events read and computed at a time (a checkpoint merges several batches) */
  Processor(
      ProcessingLog processingLog, StateWriter stateWriter, Reprocessing reprocessing, Profiles profiles,
      SettingsStore settings, Usage usage, Pipeline pipeline, SessionCache sessionCache, ProfileCache profileCache,
      MeterRegistry registry, Clock clock, int batchSize) {
    this.batchSize = batchSize;
    this.processingLog = processingLog;
    this.stateWriter = stateWriter;
    this.reprocessing = reprocessing;
    this.computation = new Computation(profiles, settings, usage, pipeline, sessionCache, profileCache);
    this.clock = clock;
    this.processed = Counter.builder("uptake.processing.events").description("events processed").register(registry);
    this.failures = Counter.builder("uptake.processing.failures")
        .description("batches whose processing failed (retried, or narrowed down to the events that fail)")
        .register(registry);
    this.setAside = Counter.builder("uptake.processing.quarantined.events")
        .description("events set aside because processing failed on them")
        .register(registry);
    this.read = phase(registry, "read");
    this.compute = phase(registry, "compute");
    this.commit = phase(registry, "commit");
    this.checkpointEvents = DistributionSummary.builder("uptake.processing.checkpoint.events")
        .description("events per checkpoint: one commit of the batches computed while the one before committed")
        .register(registry);
    Gauge.builder("uptake.processing.checkpoint.committing", committing, AtomicLong::get)
        .description("events of the checkpoint being committed now; 0 while none is")
        .register(registry);
    Gauge.builder("uptake.processing.lag", this, Processor::lagEvents)
        .description("events in the log not yet processed")
        .register(registry);
    this.thread = new Thread(this::run, "uptake-processor");
    this.committer = Executors.newSingleThreadExecutor(runnable -> {
      Thread committing = new Thread(runnable, "uptake-committer");
      committing.setDaemon(true); // never what keeps a process alive: close() waits for its commit
      return committing;
    });
  }

  /** A checkpoint being committed; its changes were computed in {@code generation}. */
  private record InFlight(Checkpoint checkpoint, long generation, Future<?> done) {}

  private static Timer phase(MeterRegistry registry, String phase) {
    return Timer.builder("uptake.processing.batch")
        .description("time per batch: reading the log, computing the pipeline, committing the changes")
        .tag("phase", phase)
        .register(registry);
  }

  /** Starts the thread; it reads the cursor once it may process ({@link StateWriter#claim}). */
  public Processor start() {
    thread.start();
    return this;
  }

  /** The error that stopped processing, or null while it runs. */
  public Throwable failure() {
    return fatal;
  }

  public Status status() {
    boolean standby = standingBy;
    long at = claimed ? cursor.get() : processingLog.cursor();
    Instant oldest = processingLog.receivedAfter(at);
    Duration lagTime = oldest == null ? Duration.ZERO : Duration.between(oldest, clock.instant());
    return new Status(
        thread.isAlive() && fatal == null, fatal, failing, standby, Math.max(0, processingLog.lastSeq() - at),
        lagTime.isNegative() ? Duration.ZERO : lagTime);
  }

  private long lagEvents() {
    return claimed ? Math.max(0, processingLog.lastSeq() - cursor.get()) : 0;
  }

  private void run() {
    Duration backoff = Duration.ZERO;
    while (running) {
      try {
        if (!claimed()) {
          TimeUnit.MILLISECONDS.sleep(STANDBY_WAIT_MILLIS);
          continue;
        }
        int done = processRetries() + processNextBatch() + replayStep();
        backoff = Duration.ZERO;
        failing = null;
        if (done == 0 && inFlight == null) {
          TimeUnit.MILLISECONDS.sleep(IDLE_WAIT_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (CursorMovedException e) {
        takeOver(e.getMessage());
      } catch (RuntimeException | StackOverflowError e) {
        backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
        failing = e.toString();
        log.error("processing after seq {} failed and the store does not work either; retrying in {} s",
            cursor.get(), backoff.toSeconds(), e);
        sleepQuietly(backoff);
      } catch (Throwable e) { // an Error: this JVM can no longer be trusted to process correctly
        fatal = e;
        log.error("processing stopped by {}; the process must restart", e, e);
        return;
      }
    }
  }

  /**
   * Whether this process may process now ({@link StateWriter#claim}). Another process may have
   * processed while this one stood by, so on gaining the claim it starts from the stored cursor
   * with nothing in memory.
   */
  private boolean claimed() {
    boolean claim = stateWriter.claim();
    if (claim && !claimed) {
      takeOver("this process processes the log"); // may throw: then it is claimed again next time
    } else if (!claim && !standingBy) {
      log.info("another process is processing this store; this one stands by and takes over when it stops");
    }
    claimed = claim;
    standingBy = !claim;
    return claim;
  }

  /** Forgets what another process's commits made stale, and goes on from the stored cursor. */
  private void takeOver(String why) {
    if (inFlight != null) {
      try {
        inFlight.done().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // whether it committed or not, the stored cursor says where to go on
      }
      inFlight = null;
      committing.set(0);
    }
    next = null;
    computation.forget();
    cursor.set(processingLog.cursor());
    computed = cursor.get();
    oneByOneThrough = 0;
    log.info("{}; processing goes on after seq {}", why, cursor.get());
  }

  /** Processes events an admin asked to retry; returns how many. */
  int processRetries() throws InterruptedException {
    List<LogEntry> retries = processingLog.retries(RETRY_BATCH_SIZE);
    if (!retries.isEmpty()) {
      flush();
      settle(retries, cursor.get(), true);
    }
    return retries.size();
  }

  /**
   * Computes the next batch of the log into the next checkpoint, handing that to the committer
   * when it is free; returns how many events the batch held (0: the log is caught up).
   */
  int processNextBatch() throws InterruptedException {
    collect(0);
    if (inFlight == null) {
      handOver();
    }
    if (computed < oneByOneThrough) {
      return processOneByOne();
    }
    List<LogEntry> batch = read.record(() -> processingLog.readAfter(computed, batchSize, BATCH_BYTES));
    if (batch.isEmpty()) {
      collect(IDLE_WAIT_MILLIS);
      return 0;
    }
    long lastSeq = batch.get(batch.size() - 1).seq();
    List<ProcessedBatch.WorkspaceChanges> changes;
    try {
      changes = compute.record(() -> changesOf(batch));
    } catch (RuntimeException | StackOverflowError e) {
      // What the batch changed before it failed is held with the checkpoints' changes: commit those
      // checkpoints one by one from the cursor, narrowing this batch down to the events that fail.
      collect(Long.MAX_VALUE);
      abandon(lastSeq);
      return 0;
    }
    if (next == null) {
      next = new Checkpoint(computed);
    }
    next.add(batch, changes);
    computed = lastSeq;
    if (inFlight != null && next.events() >= CHECKPOINT_EVENTS) {
      collect(Long.MAX_VALUE); // memory: the next checkpoint waits for the committer
    }
    if (inFlight == null) {
      handOver();
    }
    return batch.size();
  }

  /** Each workspace's changes, and a count for those whose events are all unreadable. */
  private List<ProcessedBatch.WorkspaceChanges> changesOf(List<LogEntry> batch) {
    Map<Long, List<LoggedEvent>> byWorkspace = new LinkedHashMap<>();
    for (LogEntry entry : batch) {
      if (entry instanceof LoggedEvent event) {
        byWorkspace.computeIfAbsent(event.workspaceId(), id -> new ArrayList<>()).add(event);
      }
    }
    List<ProcessedBatch.WorkspaceChanges> changes = new ArrayList<>();
    byWorkspace.forEach((workspaceId, events) -> changes.add(computation.of(workspaceId, events)));
    changes.addAll(countsOnly(batch, changes));
    return changes;
  }

  /** The next checkpoint goes to the committer, if there is one. */
  private void handOver() {
    if (next == null) {
      return;
    }
    Checkpoint checkpoint = next;
    next = null;
    long generation = computation.seal();
    ProcessedBatch batch = checkpoint.commit();
    committing.set(checkpoint.events());
    inFlight = new InFlight(checkpoint, generation, committer.submit(() -> commit.record(() -> stateWriter.commit(batch))));
  }

  /**
   * Takes the outcome of the checkpoint being committed, waiting up to {@code waitMillis} for it.
   * When its commit failed, everything computed after the cursor is processed again batch by batch.
   */
  private void collect(long waitMillis) throws InterruptedException {
    if (inFlight == null) {
      return;
    }
    InFlight done = inFlight;
    try {
      done.done().get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return;
    } catch (ExecutionException e) {
      inFlight = null;
      committing.set(0);
      abandon(done.checkpoint().through());
      Throwable cause = e.getCause();
      if (cause instanceof Error error && !(cause instanceof StackOverflowError)) {
        throw error;
      }
      if (cause instanceof CursorMovedException moved) {
        throw moved;
      }
      failures.increment();
      log.warn("committing the {} events after seq {} failed; processing them again batch by batch",
          done.checkpoint().events(), cursor.get(), cause);
      return;
    }
    inFlight = null;
    committing.set(0);
    cursor.set(done.checkpoint().through());
    processed.increment(done.checkpoint().events());
    setAside.increment(done.checkpoint().unreadable());
    checkpointEvents.record(done.checkpoint().events());
    computation.committed(done.generation());
  }

  /**
   * Drops what is computed and not committed: the batches from the cursor up to {@code through}
   * (or as far as any was computed) are processed again, one commit each, failing events set aside.
   */
  private void abandon(long through) {
    oneByOneThrough = Math.max(oneByOneThrough, Math.max(through, computed));
    next = null;
    computation.forget();
    computed = cursor.get();
  }

  /** Commits what is computed, and takes the outcome: retries and replays start from the committed state. */
  private void flush() throws InterruptedException {
    collect(Long.MAX_VALUE);
    handOver();
    collect(Long.MAX_VALUE);
  }

  /** One batch computed and committed on its own, narrowed down to the events that fail when it fails. */
  private int processOneByOne() {
    List<LogEntry> batch = read.record(() -> processingLog.readAfter(cursor.get(), batchSize, BATCH_BYTES));
    if (batch.isEmpty()) {
      oneByOneThrough = 0;
      return 0;
    }
    long lastSeq = batch.get(batch.size() - 1).seq();
    settle(batch, lastSeq, false);
    cursor.set(lastSeq);
    computed = lastSeq;
    processed.increment(batch.size());
    return batch.size();
  }

  /**
   * One step of a workspace's reprocessing, between two batches of the log: the start (its derived
   * state cleared where the cursor stands, so every event of it is processed once more: those up to
   * here by the replay, later ones as they come), or the next events of the replay. Returns how
   * many events (or 1 for a start or an end) it did; 0 when no reprocessing waits.
   */
  int replayStep() throws InterruptedException {
    if (System.nanoTime() < nextReplayCheck) {
      return 0;
    }
    Optional<Reprocessing.Job> waiting = reprocessing.next();
    if (waiting.isEmpty()) {
      nextReplayCheck = System.nanoTime() + REPLAY_CHECK_NANOS;
      return 0;
    }
    Reprocessing.Job job = waiting.get();
    flush();
    long at = cursor.get();
    try {
      if (job.waiting()) {
        long total = processingLog.count(job.workspaceId(), at);
        stateWriter.commit(new ProcessedBatch(at, List.of()).with(
            new ProcessedBatch.Replay.Start(job.workspaceId(), job.requestedAt(), at, total)));
        computation.forget();
        log.info("reprocessing workspace {}: its derived state is cleared; replaying its {} events up to seq {}",
            job.workspaceId(), total, at);
        return 1;
      }
      List<LoggedEvent> events = new ArrayList<>();
      List<LogEntry> entries =
          processingLog.readWorkspace(job.workspaceId(), job.nextSeq(), job.throughSeq(), REPLAY_BATCH_SIZE, BATCH_BYTES);
      entries.forEach(entry -> {
        if (entry instanceof LoggedEvent logged) {
          events.add(logged);
        }
      });
      if (entries.isEmpty()) {
        stateWriter.commit(new ProcessedBatch(at, List.of()).with(new ProcessedBatch.Replay.Progress(
            job.workspaceId(), job.requestedAt(), job.throughSeq(), 0, clock.instant())));
        log.info("reprocessing workspace {} is done: {} events replayed", job.workspaceId(), job.done());
        return 1;
      }
      List<ProcessedBatch.WorkspaceChanges> changes = events.isEmpty() ? List.of()
          : List.of(Computation.withoutCount(computation.of(job.workspaceId(), events)));
      stateWriter.commit(new ProcessedBatch(at, changes).with(new ProcessedBatch.Replay.Progress(
          job.workspaceId(), job.requestedAt(), entries.get(entries.size() - 1).seq(), entries.size(), null)));
      computation.committed();
      return entries.size();
    } catch (RuntimeException | StackOverflowError e) {
      computation.forget(); // the commit may or may not have happened
      throw e;
    }
  }

  /**
   * Commits what {@code entries} change and moves the cursor to {@code cursorAfter}; a retry
   * releases the entries that now succeed instead of counting them as processed again.
   */
  private void settle(List<LogEntry> entries, long cursorAfter, boolean retry) {
    Map<Long, List<LoggedEvent>> byWorkspace = new LinkedHashMap<>();
    List<Quarantined> unreadable = new ArrayList<>();
    for (LogEntry entry : entries) {
      if (entry instanceof LoggedEvent event) {
        byWorkspace.computeIfAbsent(event.workspaceId(), id -> new ArrayList<>()).add(event);
      } else {
        unreadable.add(quarantined(entry, ((UnreadableEvent) entry).problem()));
      }
    }
    try {
      commitTogether(entries, byWorkspace, cursorAfter, unreadable, retry);
    } catch (CursorMovedException e) {
      computation.forget();
      throw e; // not these events' fault: another process committed
    } catch (RuntimeException | StackOverflowError e) {
      computation.forget(); // the commit may or may not have happened
      failures.increment();
      probeStore(e);
      log.warn("processing {} events after seq {} failed; narrowing it down to the events that fail",
          entries.size(), cursor.get(), e);
      List<Quarantined> failed = new Narrowing(this::commitPart, this::probeStore).run(byWorkspace.values());
      failed.addAll(unreadable);
      computation.forget();
      commit(entries, List.of(), cursorAfter, failed, retry);
      failed.forEach(event -> log.error("event {} of workspace {} (seq {}) set aside: {}",
          event.messageId(), event.workspaceId(), event.seq(), event.error()));
    }
  }

  private void commitTogether(
      List<LogEntry> entries, Map<Long, List<LoggedEvent>> byWorkspace, long cursorAfter,
      List<Quarantined> unreadable, boolean retry) {
    List<ProcessedBatch.WorkspaceChanges> changes = new ArrayList<>();
    compute.record(() -> byWorkspace.forEach((workspaceId, events) -> changes.add(computation.of(workspaceId, events))));
    commit(entries, changes, cursorAfter, unreadable, retry);
    computation.committed();
  }

  /** Commits one workspace's events without moving the cursor: a step of narrowing down. */
  private void commitPart(List<LoggedEvent> events) {
    try {
      ProcessedBatch.WorkspaceChanges changes = computation.of(events.get(0).workspaceId(), events);
      stateWriter.commit(new ProcessedBatch(cursor.get(), List.of(Computation.withoutCount(changes))));
    } finally {
      computation.forget();
    }
  }

  private void commit(
      List<LogEntry> entries, List<ProcessedBatch.WorkspaceChanges> changes, long cursorAfter,
      List<Quarantined> failed, boolean retry) {
    Set<Long> released = new HashSet<>();
    List<ProcessedBatch.WorkspaceChanges> counted = new ArrayList<>();
    if (retry) {
      entries.forEach(entry -> released.add(entry.seq()));
      failed.forEach(event -> released.remove(event.seq()));
      changes.forEach(change -> counted.add(Computation.withoutCount(change)));
    } else {
      counted.addAll(changes);
      counted.addAll(countsOnly(entries, changes));
    }
    List<ProcessedBatch.Passed> passed = new ArrayList<>();
    if (!retry) {
      entries.forEach(entry -> {
        if (entry instanceof LoggedEvent logged) {
          passed.add(ProcessedBatch.Passed.of(logged));
        }
      });
    }
    commit.record(() -> stateWriter.commit(new ProcessedBatch(cursor.get(), cursorAfter, counted, failed, released, passed)));
    setAside.increment(failed.size());
  }

  /** What the cursor passes in workspaces whose changes are not in {@code changes}: counted, nothing else. */
  private static List<ProcessedBatch.WorkspaceChanges> countsOnly(
      List<LogEntry> entries, List<ProcessedBatch.WorkspaceChanges> changes) {
    Map<Long, Integer> counts = new LinkedHashMap<>();
    entries.forEach(entry -> counts.merge(entry.workspaceId(), 1, Integer::sum));
    changes.forEach(change -> counts.merge(change.workspaceId(), -change.processed(), Integer::sum));
    List<ProcessedBatch.WorkspaceChanges> extra = new ArrayList<>();
    counts.forEach((workspaceId, count) -> {
      if (count != 0) {
        extra.add(ProcessedBatch.WorkspaceChanges.counted(workspaceId, count));
      }
    });
    return extra;
  }

  /**
   * Throws {@code failure} when the store cannot commit even nothing: then the store is the
   * trouble, not the events, and none may be set aside for it.
   */
  private void probeStore(Throwable failure) {
    try {
      stateWriter.commit(new ProcessedBatch(cursor.get(), List.of()));
    } catch (RuntimeException probe) {
      failure.addSuppressed(probe);
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw (Error) failure;
    }
  }

  static Quarantined quarantined(LogEntry entry, String error) {
    return new Quarantined(entry.seq(), entry.workspaceId(), entry.messageId(), error);
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  static void sleepQuietly(Duration pause) {
    try {
      TimeUnit.MILLISECONDS.sleep(pause.toMillis());
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
      committer.shutdown(); // after the thread: it may hand over a checkpoint until it stops
      committer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      committer.shutdown();
      Thread.currentThread().interrupt();
    }
  }
}
