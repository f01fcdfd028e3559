package dev.uptake.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.identity.Stamp;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.keys.Region;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.LogEntry;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.Store;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.fixtures.Backend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the PostgreSQL store does: several processes on one database, a database that is late or newer. */
class PostgresStoreTest {

  static final Instant NOW = Instant.parse("2024-05-01T10:05:00Z");

  @TempDir Path dir;
  final TestClock clock = new TestClock(NOW);
  Store store;
  long workspace;

  @BeforeEach
  void open() {
    store = Backend.POSTGRESQL.open(dir, clock);
    workspace = store.workspaces().create("Acme", Region.US).workspace().id();
  }

  @AfterEach
  void close() {
    if (store != null) { // null when a missing PostgreSQL skipped the start
      store.close();
    }
  }

  static UserState named(String field, String value, long millis) {
    UserState empty = UserState.empty("u1");
    return empty.withFields(empty.fields().with(field, TextNode.valueOf(value), new Stamp(millis, "m" + millis)),
        empty.traits(), empty.dimensions());
  }

  ProcessedBatch userChange(UserState user) {
    return new ProcessedBatch(0, List.of(new ProcessedBatch.WorkspaceChanges(workspace, 1, List.of(user), List.of(), Map.of(),
        List.of(), Map.of())));
  }

  @Test
  void usersCommittedByTwoProcessesFromTheSameOldStateKeepEveryField() {
    try (Store other = Backend.POSTGRESQL.open(dir, clock)) {
      // both computed from "no such user yet": neither saw the other's field
      store.stateWriter().commit(userChange(named("name", "Ann", 1_000)));
      other.stateWriter().commit(userChange(named("email", "ann@acme.test", 2_000)));
      other.stateWriter().commit(userChange(named("name", "Ann B", 500))); // older than the stored name
    }

    UserState stored = store.profiles().user(workspace, "u1").orElseThrow();
    assertThat(stored.fields().text("name")).contains("Ann");
    assertThat(stored.fields().text("email")).contains("ann@acme.test");
  }

  @Test
  void appendsOfTwoProcessesAreReadOnceEachInSeqOrder() {
    Normalizer normalizer = new Normalizer(Events.JSON);
    try (Store other = Backend.POSTGRESQL.open(dir, clock)) {
      List<CompletableFuture<?>> appends = new ArrayList<>();
      IntStream.range(0, 200).forEach(i -> {
        Outcome.Accepted event =
            (Outcome.Accepted) normalizer.normalize(Events.track("A").messageId("m" + i).node(), NOW, null);
        Store appender = i % 2 == 0 ? store : other;
        appends.add(appender.eventLog().append(new IngestBatch(workspace, NOW, List.of(event), List.of())));
      });
      appends.forEach(CompletableFuture::join);
    }

    List<LogEntry> read = new ArrayList<>();
    for (List<LogEntry> batch; !(batch = store.processingLog().readAfter(read.isEmpty() ? 0 : read.get(read.size() - 1).seq(),
        37, Long.MAX_VALUE)).isEmpty(); ) {
      read.addAll(batch);
    }
    assertThat(read).extracting(LogEntry::messageId).hasSize(200).doesNotHaveDuplicates();
    assertThat(read).extracting(LogEntry::seq).isSorted();
    assertThat(store.ledger().stats(workspace).accepted()).isEqualTo(200);
  }

  @Test
  void aLongWriteInAnotherDatabaseOfTheServerDoesNotHoldBackWhatCommitsShow() throws Exception {
    long before = store.stateWriter().version();
    try (Connection elsewhere = Backend.POSTGRESQL.connect(dir.resolve("another-application"));
        Statement write = elsewhere.createStatement()) {
      elsewhere.setAutoCommit(false);
      write.execute("SELECT pg_current_xact_id()"); // a write transaction of another database, still running

      store.stateWriter().commit(userChange(named("name", "Ann", 1_000)));

      assertThat(store.profiles().changed(workspace, before, store.stateWriter().version()).users())
          .extracting(UserState::userId).containsExactly("u1");
      elsewhere.rollback();
    }
  }

  @Test
  void aProcessingCommitStillRunningHoldsTheVersionBackUntilItEnds() throws Exception {
    try (Connection running = Backend.POSTGRESQL.connect(dir)) {
      running.setAutoCommit(false);
      long id = PostgresStateWriter.transactionId(running);
      store.stateWriter().commit(userChange(named("name", "Ann", 1_000))); // a later commit, ended first

      assertThat(store.stateWriter().version()).as("rows numbered %d may still appear", id).isLessThan(id);
      running.commit();
      assertThat(store.stateWriter().version()).isGreaterThanOrEqualTo(id);
    }
  }

  @Test
  void oneProcessAtATimeClaimsProcessingAndAnotherTakesOverWhenItCloses() {
    assertThat(store.stateWriter().claim()).isTrue();
    try (Store other = Backend.POSTGRESQL.open(dir, clock)) {
      assertThat(other.stateWriter().claim()).isFalse();
      assertThat(store.stateWriter().claim()).as("kept").isTrue();
      store.close();
      assertThat(other.stateWriter().claim()).isTrue();
    } finally {
      store = Backend.POSTGRESQL.open(dir, clock);
    }
  }

  @Test
  void storesOpenedAtOnceOnAnEmptyDatabaseAllGetOneSchema() {
    Path empty = dir.resolve("empty");
    Backend.POSTGRESQL.startEmpty(empty);
    List<CompletableFuture<Store>> opening = IntStream.range(0, 4)
        .mapToObj(i -> CompletableFuture.supplyAsync(() -> Backend.POSTGRESQL.open(empty, clock))).toList();
    List<Store> opened = opening.stream().map(CompletableFuture::join).toList();
    try {
      opened.get(0).workspaces().create("Acme", Region.US);
      assertThat(opened).allSatisfy(each -> assertThat(each.workspaces().list()).hasSize(1));
    } finally {
      opened.forEach(Store::close);
    }
  }

  @Test
  void databaseWithTheSchemaOfANewerUptakeIsRefusedWithTheReason() throws Exception {
    try (Connection connection = Backend.POSTGRESQL.connect(dir); Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
          + " installed_by, execution_time, success) VALUES (99, '99', 'from the future', 'SQL', 'V99__from_the_future.sql',"
          + " 0, 'uptake', 1, true)");
    }

    assertThatThrownBy(() -> Backend.POSTGRESQL.open(dir, clock))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("schema version 99 (from the future), newer than this Uptake knows")
        .hasMessageNotContaining("password");
  }

  @Test
  void storeOpensBeforeItsDatabaseTakesConnectionsAndServesOnceItDoes() throws Exception {
    Path late = dir.resolve("late");
    try (Connection admin = Backend.POSTGRESQL.connect(late); Statement statement = admin.createStatement()) {
      String database = admin.getCatalog();
      statement.execute("ALTER DATABASE " + database + " CONNECTION LIMIT 0"); // new connections refused, as when down
      try (Store waiting = Backend.POSTGRESQL.open(late, clock)) {
        assertThatThrownBy(() -> waiting.workspaces().list())
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("not ready");
        statement.execute("ALTER DATABASE " + database + " CONNECTION LIMIT -1");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
          try {
            assertThat(waiting.workspaces().list()).isEmpty();
            break;
          } catch (StoreUnavailableException e) {
            assertThat(System.nanoTime()).as("served within 30 s: %s", e.getMessage()).isLessThan(deadline);
            Thread.sleep(200);
          }
        }
      }
    }
  }
}
