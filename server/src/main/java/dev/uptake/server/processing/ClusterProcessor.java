package dev.uptake.server.processing;

import dev.uptake.cluster.EventRecords;
import dev.uptake.cluster.EventTopic;
import dev.uptake.cluster.TopicReader;
import dev.uptake.core.identity.ProfileCache;
import dev.uptake.core.pipeline.Pipeline;
import dev.uptake.core.sessions.SessionCache;
import dev.uptake.store.ClusterBatch;
import dev.uptake.store.ClusterState;
import dev.uptake.store.DuplicateArrivalException;
import dev.uptake.store.EventId;
import dev.uptake.store.LogEntry;
import dev.uptake.store.LoggedEvent;
import dev.uptake.store.PartitionFencedException;
import dev.uptake.store.PartitionPosition;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.ProcessingLog;
import dev.uptake.store.ProcessorStores;
import dev.uptake.store.Quarantined;
import io.micrometer.core.instrument.Counter;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor of a cluster: one member of the processors' consumer group, processing the
 * partitions Kafka assigns it. For each batch it reads, it finds which events are new (by
 * workspace and messageId, in the database), runs them through the same {@link Computation} as
 * the embedded processor, and commits the new events, what they change and the partitions' next
 * offsets in one PostgreSQL transaction, fenced by the epochs it took the partitions with.
 *
 * <p>A batch that fails is handled as the embedded processor does: retried while the database
 * fails, narrowed down to the events that fail otherwise, which are set aside. A processor that
 * finds one of its partitions taken over (it was paused or cut off long enough for Kafka to move
 * it) commits nothing more for it: it forgets what it holds and joins the group afresh.
 */
public final class ClusterProcessor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterProcessor.class);

  static final int BATCH_SIZE = 20_000;
  static final long BATCH_BYTES = 16L << 20;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long RETRIES_EVERY_NANOS = 1_000_000_000L;
  private static final int RETRY_BATCH_SIZE = 1_000;
  /** Readiness fails when records wait and no batch was committed for this long. */
  public static final Duration STALLED_AFTER = Duration.ofMinutes(2);

  /**
   * How this processor stands, for {@code /health}.
   *
   * @param partitions the partitions it holds now
   * @param lag records waiting in those partitions, as Kafka last told
   * @param lastCommit when it last committed a batch (null before any)
   * @param progressAt when it last committed, or started: records waiting since long before are stalled
   */
  public record Status(
      boolean running, Throwable fatal, String failing, Set<Integer> partitions, long lag, Instant lastCommit,
      Instant progressAt) {

    /** Records wait and nothing was committed for {@link #STALLED_AFTER}. */
    public boolean stalled(Instant now) {
      return lag > 0 && progressAt.isBefore(now.minus(STALLED_AFTER));
    }
  }

  private final EventTopic topic;
  private final String clientId;
  private final ClusterState state;
  private final ProcessingLog retries;
  private final Computation computation;
  private final Clock clock;
  private final Counter processed;
  private final Counter duplicates;
  private final Counter unreadable;
  private final Counter fenced;
  private final Counter setAside;
  private final Timer commitTime;
  private final Map<Integer, Long> lag = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final Thread thread;
  /** The partitions this processor holds, with the epoch it took each with and where it goes on; its thread only. */
  private final Map<Integer, PartitionPosition> held = new TreeMap<>();
  /** Partitions Kafka assigned it that it could not take over yet (the database did not answer). */
  private final Set<Integer> unclaimed = new TreeSet<>();
  private volatile Set<Integer> holding = Set.of();
  private volatile TopicReader reader;
  private volatile boolean running = true;
  private volatile Throwable fatal;
  private volatile String failing;
  private volatile Instant lastCommit;
  private volatile Instant startedAt;
  private volatile int partitionCount;
  private long retriesAt;

  public ClusterProcessor(
      EventTopic topic, String clientId, ClusterState state, ProcessingLog retries, ProcessorStores stores,
      Pipeline pipeline, SessionCache sessionCache, MeterRegistry registry, Clock clock) {
    this.topic = topic;
    this.clientId = clientId;
    this.state = state;
    this.retries = retries;
    // No ProfileCache: other processors write the same accounts (and users, as links move), so a
    // state held here could lack their changes; each batch reads the stored ones.
    this.computation = new Computation(
        stores.profiles(), stores.settings(), stores.usage(), pipeline, sessionCache, new ProfileCache(0));
    this.clock = clock;
    this.processed = Counter.builder("uptake.processing.events").description("events processed").register(registry);
    this.duplicates = Counter.builder("uptake.processing.duplicates")
        .description("records whose event was stored before (a sender's retry, through any ingest node)").register(registry);
    this.unreadable = Counter.builder("uptake.kafka.records.unreadable")
        .description("records of the event topic this version cannot read (logged, skipped)").register(registry);
    this.fenced = Counter.builder("uptake.kafka.partitions.fenced")
        .description("commits refused because another processor had taken a partition over").register(registry);
    this.setAside = Counter.builder("uptake.processing.quarantined.events")
        .description("events set aside because processing failed on them").register(registry);
    this.commitTime = Timer.builder("uptake.processing.commit")
        .description("time to commit a batch: new events, their changes and the partitions' offsets, in one transaction")
        .register(registry);
    Gauge.builder("uptake.kafka.consumer.lag", lag, lags -> lags.values().stream().mapToLong(Long::longValue).sum())
        .description("records waiting in the partitions this processor holds").register(registry);
    this.registry = registry;
    this.thread = new Thread(this::run, "uptake-cluster-processor");
  }

  /** Joins the consumer group and processes until closed. */
  public ClusterProcessor start() {
    startedAt = clock.instant();
    thread.start();
    return this;
  }

  public Throwable failure() {
    return fatal;
  }

  public Status status() {
    Instant committed = lastCommit;
    return new Status(thread.isAlive() && fatal == null, fatal, failing, holding,
        lag.values().stream().mapToLong(Long::longValue).sum(), committed, committed != null ? committed : startedAt);
  }

  private void run() {
    Duration backoff = Duration.ZERO;
    partitionCount = awaitTopic();
    if (partitionCount == 0) {
      return; // closed meanwhile
    }
    try (TopicReader opened = new TopicReader(topic, clientId, new Ownership())) {
      reader = opened;
      while (running) {
        try {
          claimAssigned();
          List<TopicReader.Received> batch = read();
          if (!batch.isEmpty()) {
            process(batch);
          }
          retryAsked();
          lag.keySet().retainAll(held.keySet());
          lag.putAll(opened.lag());
          backoff = Duration.ZERO;
          failing = null;
        } catch (WakeupException e) {
          // closing
        } catch (PartitionFencedException e) {
          fenced.increment();
          log.warn("{}; this processor forgets what it holds and joins the group again", e.getMessage());
          forgetAll();
          opened.rejoin();
        } catch (RuntimeException | StackOverflowError e) {
          backoff = backoff.isZero() ? Processor.FIRST_BACKOFF : Processor.min(backoff.multipliedBy(2), Processor.MAX_BACKOFF);
          failing = e.toString();
          log.error("processing partitions {} failed and the database does not work either; reading them again in {} s",
              held.keySet(), backoff.toSeconds(), e);
          rewind();
          Processor.sleepQuietly(backoff);
        }
      }
    } catch (WakeupException e) {
      // closed while leaving the group
    } catch (Throwable e) { // an Error: this JVM can no longer be trusted to process correctly
      fatal = e;
      log.error("processing stopped by {}; the process must restart", e, e);
    }
  }

  /** The topic's partition count once it exists (creating it when missing), or 0 when closed before. */
  private int awaitTopic() {
    while (running) {
      try {
        state.join(topic.name());
        return topic.ensureExists();
      } catch (RuntimeException e) {
        failing = e.getMessage();
        log.warn("{}; trying again in 2 s", e.getMessage());
        Processor.sleepQuietly(Duration.ofSeconds(2));
      }
    }
    return 0;
  }

  /** Kafka moved partitions: called from inside {@link TopicReader#poll}, on this processor's thread. */
  private final class Ownership implements TopicReader.Owner {
    @Override
    public void assigned(Set<Integer> partitions) {
      log.info("partitions assigned topic={} partitions={}", topic.name(), partitions);
      unclaimed.addAll(partitions);
      reader.pause(partitions);
      try {
        claimAssigned();
      } catch (RuntimeException e) {
        failing = e.toString();
        log.warn("partitions not taken over yet topic={} partitions={} reason=\"{}\"; trying again", topic.name(),
            partitions, e.getMessage());
      }
    }

    @Override
    public void revoked(Set<Integer> partitions) {
      log.info("partitions revoked topic={} partitions={}", topic.name(), partitions);
      held.keySet().removeAll(partitions);
      unclaimed.removeAll(partitions);
      holding = Set.copyOf(held.keySet());
      computation.forget(); // their sessions are another processor's to change now
    }
  }

  /**
   * Takes over the partitions Kafka assigned and this processor has not yet claimed: raises their
   * epochs in the database, which waits for a commit of the previous owner in flight, and goes on
   * from the offsets stored with that commit.
   */
  private void claimAssigned() {
    if (unclaimed.isEmpty()) {
      return;
    }
    List<PartitionPosition> claimed = state.claim(topic.name(), unclaimed);
    computation.forget();
    for (PartitionPosition position : claimed) {
      held.put(position.partition(), position);
      reader.seek(position.partition(), position.nextOffset());
      Gauge.builder("uptake.kafka.consumer.partition.lag", lag, lags -> lags.getOrDefault(position.partition(), 0L))
          .description("records waiting in one partition this processor holds (0 once it no longer holds it)")
          .tag("partition", String.valueOf(position.partition())).register(registry); // once per partition
    }
    reader.resume(unclaimed);
    log.info("partitions taken over topic={} {}", topic.name(), claimed.stream()
        .map(p -> "partition=" + p.partition() + " epoch=" + p.epoch() + " offset=" + p.nextOffset()).toList());
    unclaimed.clear();
    holding = Set.copyOf(held.keySet());
  }

  /** Records of held partitions, from one poll or a few, up to a batch's size. */
  private List<TopicReader.Received> read() {
    List<TopicReader.Received> batch = new ArrayList<>();
    long bytes = 0;
    long until = System.nanoTime() + POLL.toNanos();
    do {
      List<TopicReader.Received> polled = reader.poll(batch.isEmpty() ? POLL : Duration.ZERO);
      for (TopicReader.Received received : polled) {
        if (held.containsKey(received.partition())) { // records of a partition revoked during the poll are dropped
          batch.add(received);
          bytes += received.bytes();
        }
      }
      if (polled.isEmpty()) {
        break;
      }
    } while (batch.size() < BATCH_SIZE && bytes < BATCH_BYTES && System.nanoTime() < until);
    return batch;
  }

  /** Where each partition of the batch goes on from once it is committed. */
  private List<PartitionPosition> after(List<TopicReader.Received> batch) {
    Map<Integer, Long> next = new TreeMap<>();
    batch.forEach(record -> next.merge(record.partition(), record.offset() + 1, Math::max));
    List<PartitionPosition> positions = new ArrayList<>();
    next.forEach((partition, offset) -> positions.add(held.get(partition).at(offset)));
    return positions;
  }

  private void process(List<TopicReader.Received> batch) {
    List<PartitionPosition> positions = after(batch);
    for (int attempt = 1; ; attempt++) {
      try {
        int arrivals = commit(batch, positions);
        processed.increment(arrivals);
        break;
      } catch (DuplicateArrivalException e) {
        computation.forget();
        log.info("{}; looking at the batch again (attempt {})", e.getMessage(), attempt);
      }
    }
    positions.forEach(position -> held.put(position.partition(), position));
    lastCommit = clock.instant();
  }

  /** What a batch holds, sorted out: new events, repeats, refused items. */
  private final class Sorted {
    final Map<EventId, ClusterBatch.Arrival> arrivals = new LinkedHashMap<>();
    final List<ClusterBatch.Rejection> rejections = new ArrayList<>();
    final Map<Long, Integer> repeats = new TreeMap<>();

    Sorted(List<TopicReader.Received> batch) {
      Map<EventId, EventRecords.Arrived> candidates = new LinkedHashMap<>();
      for (TopicReader.Received record : batch) {
        if (record.decoded() instanceof EventRecords.Arrived arrived) {
          EventId id = new EventId(arrived.workspaceId(), arrived.accepted().event().messageId());
          if (candidates.putIfAbsent(id, arrived) != null) {
            repeats.merge(arrived.workspaceId(), 1, Integer::sum);
          }
        } else if (record.decoded() instanceof EventRecords.Refused refused) {
          rejections.add(refused.rejection());
        } else {
          unreadable.increment();
          log.error("record {} of partition {} of {} skipped: {}", record.offset(), record.partition(), topic.name(),
              ((EventRecords.Unreadable) record.decoded()).problem());
        }
      }
      Set<EventId> known = state.known(candidates.keySet());
      known.forEach(id -> {
        candidates.remove(id);
        repeats.merge(id.workspaceId(), 1, Integer::sum);
      });
      long[] seqs = state.seqs(candidates.size());
      int i = 0;
      for (Map.Entry<EventId, EventRecords.Arrived> candidate : candidates.entrySet()) {
        arrivals.put(candidate.getKey(),
            new ClusterBatch.Arrival(seqs[i++], candidate.getKey().workspaceId(), candidate.getValue().accepted()));
      }
    }

    Map<Long, List<LoggedEvent>> byWorkspace() {
      Map<Long, List<LoggedEvent>> byWorkspace = new LinkedHashMap<>();
      arrivals.values().forEach(arrival ->
          byWorkspace.computeIfAbsent(arrival.workspaceId(), id -> new ArrayList<>()).add(arrival.logged()));
      return byWorkspace;
    }
  }

  /** Commits the batch; returns how many new events it held. */
  private int commit(List<TopicReader.Received> batch, List<PartitionPosition> positions) {
    Sorted sorted = new Sorted(batch);
    int repeats = sorted.repeats.values().stream().mapToInt(Integer::intValue).sum();
    Map<Long, List<LoggedEvent>> byWorkspace = sorted.byWorkspace();
    List<ClusterBatch.Arrival> arrivals = List.copyOf(sorted.arrivals.values());
    try {
      List<ProcessedBatch.WorkspaceChanges> changes = new ArrayList<>();
      byWorkspace.forEach((workspaceId, events) -> changes.add(computation.of(workspaceId, events)));
      commitTime.record(() -> state.commit(new ClusterBatch(topic.name(), positions, arrivals, sorted.rejections,
          sorted.repeats, changes(changes, List.of(), Set.of(), arrivals))));
      computation.committed();
    } catch (DuplicateArrivalException | PartitionFencedException e) {
      computation.forget();
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      computation.forget();
      probe(e);
      log.warn("processing {} events of partitions {} failed; narrowing it down to the events that fail",
          arrivals.size(), positions, e);
      Map<EventId, ClusterBatch.Arrival> pending = new LinkedHashMap<>(sorted.arrivals);
      List<Quarantined> failed = new Narrowing(part -> commitPart(part, pending), this::probe).run(byWorkspace.values());
      computation.forget();
      List<ClusterBatch.Arrival> rest = List.copyOf(pending.values()); // the failed ones: stored, set aside
      Map<Long, Integer> failedPerWorkspace = new TreeMap<>();
      rest.forEach(arrival -> failedPerWorkspace.merge(arrival.workspaceId(), 1, Integer::sum));
      List<ProcessedBatch.WorkspaceChanges> counted = new ArrayList<>(); // processed, as the embedded log counts them
      failedPerWorkspace.forEach((workspaceId, count) -> counted.add(ProcessedBatch.WorkspaceChanges.counted(workspaceId, count)));
      state.commit(new ClusterBatch(topic.name(), positions, rest, sorted.rejections, sorted.repeats,
          changes(counted, failed, Set.of(), rest)));
      setAside.increment(failed.size());
      failed.forEach(event -> log.error("event {} of workspace {} (seq {}) set aside: {}",
          event.messageId(), event.workspaceId(), event.seq(), event.error()));
    }
    duplicates.increment(repeats);
    return arrivals.size();
  }

  /** Commits part of a batch (its events and their changes) without moving offsets: a step of narrowing down. */
  private void commitPart(List<LoggedEvent> events, Map<EventId, ClusterBatch.Arrival> pending) {
    List<ClusterBatch.Arrival> part = events.stream()
        .map(event -> pending.get(new EventId(event.workspaceId(), event.messageId()))).toList();
    try {
      ProcessedBatch.WorkspaceChanges changes = computation.of(events.get(0).workspaceId(), events);
      state.commit(new ClusterBatch(topic.name(), current(), part, List.of(), Map.of(),
          changes(List.of(changes), List.of(), Set.of(), part)));
      part.forEach(arrival -> pending.remove(new EventId(arrival.workspaceId(), arrival.accepted().event().messageId())));
    } finally {
      computation.forget();
    }
  }

  private static ProcessedBatch changes(
      List<ProcessedBatch.WorkspaceChanges> changes, List<Quarantined> failed, Set<Long> released,
      List<ClusterBatch.Arrival> passed) {
    return new ProcessedBatch(0, 0, changes, failed, released,
        passed.stream().map(arrival -> ProcessedBatch.Passed.of(arrival.logged())).toList());
  }

  /** The held partitions where they stand: a commit with these checks the fence and moves nothing. */
  private List<PartitionPosition> current() {
    return List.copyOf(held.values());
  }

  /** Throws {@code failure} when the database cannot commit even nothing: then nothing may be set aside for it. */
  private void probe(Throwable failure) {
    try {
      state.commit(new ClusterBatch(topic.name(), current(), List.of(), List.of(), Map.of(),
          new ProcessedBatch(0, List.of())));
    } catch (RuntimeException probe) {
      failure.addSuppressed(probe);
      if (probe instanceof PartitionFencedException fencedProbe) {
        throw fencedProbe;
      }
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw (Error) failure;
    }
  }

  /**
   * Processes, about once a second, the set-aside events an admin asked to retry whose session
   * lives in a partition this processor holds (another processor must not change its sessions).
   */
  private void retryAsked() {
    if (System.nanoTime() - retriesAt < RETRIES_EVERY_NANOS || held.isEmpty()) {
      return;
    }
    retriesAt = System.nanoTime();
    Map<Long, List<LoggedEvent>> byWorkspace = new LinkedHashMap<>();
    Set<Long> released = new HashSet<>();
    for (LogEntry entry : retries.retries(RETRY_BATCH_SIZE)) {
      if (entry instanceof LoggedEvent event && held.containsKey(partitionOf(event))) {
        byWorkspace.computeIfAbsent(event.workspaceId(), id -> new ArrayList<>()).add(event);
        released.add(event.seq());
      }
    }
    if (byWorkspace.isEmpty()) {
      return;
    }
    List<Quarantined> failed = new ArrayList<>();
    for (List<LoggedEvent> events : byWorkspace.values()) {
      try {
        ProcessedBatch.WorkspaceChanges changes = Computation.withoutCount(computation.of(events.get(0).workspaceId(), events));
        state.commit(new ClusterBatch(topic.name(), current(), List.of(), List.of(), Map.of(),
            new ProcessedBatch(0, 0, List.of(changes), List.of(), released(events), List.of())));
      } catch (PartitionFencedException e) {
        throw e;
      } catch (RuntimeException e) {
        probe(e);
        events.forEach(event -> failed.add(Processor.quarantined(event, Narrowing.describe(e))));
      } finally {
        computation.forget();
      }
    }
    if (!failed.isEmpty()) {
      state.commit(new ClusterBatch(topic.name(), current(), List.of(), List.of(), Map.of(),
          new ProcessedBatch(0, 0, List.of(), failed, Set.of(), List.of())));
    }
    log.info("retried {} set-aside events, {} failed again", released.size(), failed.size());
  }

  private static Set<Long> released(List<LoggedEvent> events) {
    Set<Long> seqs = new HashSet<>();
    events.forEach(event -> seqs.add(event.seq()));
    return seqs;
  }

  private int partitionOf(LoggedEvent event) {
    return TopicReader.partitionOf(EventRecords.key(event.workspaceId(), event.event().sessionKey()), partitionCount);
  }

  /** After a failed batch: read the held partitions again from what is committed. */
  private void rewind() {
    computation.forget();
    held.values().forEach(position -> reader.seek(position.partition(), position.nextOffset()));
  }

  private void forgetAll() {
    computation.forget();
    held.clear();
    unclaimed.clear();
    holding = Set.of();
    lag.clear();
  }

  /** Stops after the batch in progress, and leaves the group so the partitions move at once. */
  @Override
  public void close() {
    running = false;
    TopicReader current = reader;
    if (current != null) {
      current.wakeup();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
