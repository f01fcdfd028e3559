package dev.uptake.store.jdbc;

import dev.uptake.store.Appended;
import dev.uptake.store.EventLog;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.StoreUnavailableException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends with group commit: one writer thread takes every batch waiting in the queue, writes
 * them in one transaction and completes their futures after the commit. Under load a group holds
 * many requests and the sync is shared; when idle a group is one request and waits for nothing.
 * A group that fails while the store works is written again request by request, so one
 * request's content never fails another's. An {@link Error} on the writer thread fails every
 * waiting request and every later one ({@link #failure()}): the process must restart.
 */
public final class GroupCommitLog implements EventLog, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupCommitLog.class);

  /** A group stops growing at this many items, to bound a transaction's latency. */
  public static final int MAX_GROUP_ITEMS = 10_000;

  private static final int QUEUE_CAPACITY = 2_048;
  /** How often the writer runs its store's upkeep (the planner's statistics), when it has a moment. */
  public static final long UPKEEP_EVERY_NANOS = TimeUnit.HOURS.toNanos(1);

  private record Pending(IngestBatch batch, CompletableFuture<Appended> done) {}

  /** Writes and commits a group of batches in one transaction; one receipt per batch, in order. */
  @FunctionalInterface
  public interface Writer {
    List<Appended> write(List<IngestBatch> batches) throws SQLException;
  }

  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final AutoCloseable resources;
  private final Writer writer;
  private final Runnable upkeep;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Throwable failure;
  private long keptUpAt;
  private final AtomicLong groups = new AtomicLong();
  private final AtomicLong groupedRequests = new AtomicLong();

  private GroupCommitLog(AutoCloseable resources, Writer writer, Runnable upkeep) {
    this.resources = resources;
    this.writer = writer;
    this.upkeep = upkeep;
    this.thread = new Thread(this::run, "uptake-event-log-writer");
  }

  /**
   * Starts the writer thread of a log that writes with {@code writer}.
   *
   * @param resources what the log holds (its connection, a lock), closed with it
   * @param upkeep what the writer runs at start and then hourly while idle (it must not throw)
   */
  public static GroupCommitLog start(AutoCloseable resources, Writer writer, Runnable upkeep) {
    GroupCommitLog eventLog = new GroupCommitLog(resources, writer, upkeep);
    eventLog.keepUp();
    eventLog.thread.start();
    return eventLog;
  }

  private void keepUp() {
    upkeep.run();
    keptUpAt = System.nanoTime();
  }

  @Override
  public CompletableFuture<Appended> append(IngestBatch batch) {
    Pending pending = new Pending(batch, new CompletableFuture<>());
    enqueue(pending);
    return pending.done;
  }

  @Override
  public WriterStats writerStats() {
    return new WriterStats(queue.size(), groups.get(), groupedRequests.get());
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  private void enqueue(Pending pending) {
    try {
      if (failure != null || closed || !queue.offer(pending, 5, TimeUnit.SECONDS)) {
        String why = failure != null ? "stopped by " + failure : closed ? "closed" : "overloaded";
        pending.done.completeExceptionally(unavailable("the event log is " + why, failure));
      } else if (failure != null) {
        failQueued(); // the writer stopped while this one was queued
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.done.completeExceptionally(unavailable("interrupted while queueing", e));
    }
  }

  private void run() {
    List<Pending> group = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (System.nanoTime() - keptUpAt > UPKEEP_EVERY_NANOS) {
            keepUp(); // while idle, so no append waits for it
          }
          continue;
        }
        group.add(first);
        int items = first.batch.size();
        Pending next;
        while (items < MAX_GROUP_ITEMS && (next = queue.poll()) != null) {
          group.add(next);
          items += next.batch.size();
        }
        commit(group);
        groups.incrementAndGet();
        groupedRequests.addAndGet(group.size());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable e) { // an Error: nothing more can be acknowledged safely
        failure = e;
        log.error("the event log writer stopped: {}; every append now fails with 503, the process must restart", e, e);
        StoreUnavailableException stopped = unavailable("the writer stopped: " + e, e);
        group.forEach(pending -> pending.done.completeExceptionally(stopped));
        failQueued();
        return;
      } finally {
        group.clear();
      }
    }
  }

  private void commit(List<Pending> group) {
    commit(group, true);
  }

  /** Writes the group; when that fails but the store works, each request once more on its own. */
  private void commit(List<Pending> group, boolean mayRetry) {
    List<IngestBatch> batches = new ArrayList<>(group.size());
    group.forEach(pending -> batches.add(pending.batch));
    List<Appended> receipts;
    try {
      receipts = writer.write(batches);
    } catch (SQLException | RuntimeException e) {
      if (mayRetry && storeWorks()) {
        log.warn("event log commit of {} requests failed; writing each on its own", group.size(), e);
        group.forEach(pending -> commit(List.of(pending), false));
        return;
      }
      log.warn("event log commit of {} requests failed; the senders get 503 and retry", group.size(), e);
      StoreUnavailableException failure = unavailable("the commit failed: " + e.getMessage(), e);
      group.forEach(pending -> pending.done.completeExceptionally(failure));
      return;
    }
    for (int i = 0; i < group.size(); i++) {
      group.get(i).done.complete(receipts.get(i));
    }
  }

  /**
   * Whether an empty commit succeeds: if not, the store is the trouble (disk full, locked), and
   * writing each request alone would only make every sender wait once more for the same failure.
   */
  private boolean storeWorks() {
    try {
      writer.write(List.of());
      return true;
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  private void failQueued() {
    for (Pending pending; (pending = queue.poll()) != null; ) {
      pending.done.completeExceptionally(unavailable("the event log is stopped by " + failure, failure));
    }
  }

  private static StoreUnavailableException unavailable(String why, Throwable cause) {
    return new StoreUnavailableException("event log unavailable: " + why, cause);
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Pending pending; (pending = queue.poll()) != null; ) {
      pending.done.completeExceptionally(unavailable("the event log is closed", null));
    }
    try {
      resources.close();
    } catch (Exception e) {
      log.warn("closing the event log's connection failed", e);
    }
  }
}
