package dev.uptake.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.keys.KeyFactory;
import dev.uptake.core.keys.Region;
import dev.uptake.store.Appended;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.StoreConfig;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.jdbc.GroupCommitLog;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log's writer when a write fails: a failing request fails alone, and an Error stops the
 * writer for good while every waiting and later request is answered at once. The writes are the
 * real ones on a real store; only the failure is injected into them.
 */
class SqliteEventLogFailureTest {

  static final Instant NOW = Instant.parse("2024-05-01T10:05:00Z");

  @TempDir Path dir;
  SqliteStore store;
  long workspaceId;
  Connection connection;
  GroupCommitLog log;

  @BeforeEach
  void open() throws Exception {
    store = SqliteStore.open(new StoreConfig(dir), new TestClock(NOW), new KeyFactory(new SecureRandom()));
    workspaceId = store.workspaces().create("Acme", Region.US).workspace().id();
    connection = SqliteStore.logSource(dir, 2_048).getConnection();
  }

  /** The event log's writer over this data directory, writing with {@code writer}. */
  GroupCommitLog start(GroupCommitLog.Writer writer) {
    DataDirLock lock = DataDirLock.acquire(dir);
    return GroupCommitLog.start(() -> {
      try (lock) {
        connection.close();
      }
    }, writer, () -> {});
  }

  @AfterEach
  void close() {
    if (log != null) {
      log.close();
    }
    store.close();
  }

  IngestBatch batch(String messageId) {
    Outcome.Accepted accepted =
        (Outcome.Accepted) new Normalizer(Events.JSON).normalize(Events.track("A").messageId(messageId).node(), NOW, null);
    return new IngestBatch(workspaceId, NOW, List.of(accepted), List.of());
  }

  static void waitFor(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static boolean holds(List<IngestBatch> group, String messageId) {
    return group.stream().anyMatch(b -> b.accepted().get(0).event().messageId().equals(messageId));
  }

  @Test
  void requestWhoseWriteFailsFailsAloneAndTheRestOfItsGroupCommits() throws Exception {
    GroupWriter real = new GroupWriter(connection);
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    log = start(group -> {
      if (holds(group, "first")) {
        firstStarted.countDown();
        waitFor(release);
      }
      if (holds(group, "poison")) {
        throw new IllegalStateException("this request's content cannot be written");
      }
      return real.write(group);
    });
    CompletableFuture<Appended> first = log.append(batch("first"));
    assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Appended> before = log.append(batch("before"));
    CompletableFuture<Appended> poison = log.append(batch("poison"));
    CompletableFuture<Appended> after = log.append(batch("after"));
    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new Appended(1, 0));
    assertThat(before.get(10, TimeUnit.SECONDS)).isEqualTo(new Appended(1, 0));
    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo(new Appended(1, 0));
    assertThatThrownBy(poison::join).hasCauseInstanceOf(StoreUnavailableException.class);
    assertThat(store.ledger().stats(workspaceId).accepted()).isEqualTo(3);
    assertThat(log.failure()).isEmpty();
  }

  @Test
  void groupIsNotSplitWhenTheStoreItselfFails() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger writes = new AtomicInteger();
    log = start(group -> {
      writes.incrementAndGet();
      if (holds(group, "first")) {
        firstStarted.countDown();
        waitFor(release);
      }
      throw new SQLException("[SQLITE_FULL] database or disk is full");
    });
    CompletableFuture<Appended> first = log.append(batch("first"));
    assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<Appended>> group = List.of(log.append(batch("a")), log.append(batch("b")), log.append(batch("c")));
    release.countDown();

    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreUnavailableException.class);
    for (CompletableFuture<Appended> append : group) {
      assertThatThrownBy(() -> append.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreUnavailableException.class);
    }
    assertThat(writes.get()).as("the first and the group, each with one empty commit to test the store").isEqualTo(4);
  }

  @Test
  void errorOnTheWriterFailsEveryWaitingAndLaterRequestAtOnce() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    log = start(group -> {
      firstStarted.countDown();
      waitFor(release);
      throw new OutOfMemoryError("Java heap space");
    });
    CompletableFuture<Appended> first = log.append(batch("first"));
    assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Appended> queued = log.append(batch("queued"));
    release.countDown();

    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreUnavailableException.class);
    assertThat(log.failure()).containsInstanceOf(OutOfMemoryError.class);
    long start = System.nanoTime();
    assertThatThrownBy(() -> log.append(batch("later")).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("OutOfMemoryError");
    assertThat(System.nanoTime() - start).as("answered without waiting").isLessThan(TimeUnit.SECONDS.toNanos(4));
  }
}
