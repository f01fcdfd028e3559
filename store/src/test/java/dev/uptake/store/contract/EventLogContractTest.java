package dev.uptake.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.ingest.Rejection;
import dev.uptake.core.keys.Region;
import dev.uptake.store.Appended;
import dev.uptake.store.DebugEntry;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.EventFilter;
import dev.uptake.store.IngestStats;
import dev.uptake.store.LogEntry;
import dev.uptake.store.LoggedEvent;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.Store;
import dev.uptake.store.Workspace;
import dev.uptake.store.fixtures.Backend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class EventLogContractTest {

  @Parameter Backend backend;

  static final Instant NOW = Instant.parse("2024-05-01T10:05:00Z");

  @TempDir Path dir;
  final TestClock clock = new TestClock(NOW);
  final Normalizer normalizer = new Normalizer(Events.JSON);
  Store store;
  Workspace workspace;

  @BeforeEach
  void open() {
    store = open(dir);
    workspace = store.workspaces().create("Acme", Region.US).workspace();
  }

  @AfterEach
  void close() {
    if (store != null) { // null when a missing PostgreSQL skipped the start
      store.close();
    }
  }

  Store open(Path path) {
    return backend.open(path, clock);
  }

  Outcome.Accepted accepted(Events events) {
    return (Outcome.Accepted) normalizer.normalize(events.node(), NOW, null);
  }

  IngestBatch batch(Workspace owner, Events... events) {
    List<Outcome.Accepted> accepted = new ArrayList<>();
    for (Events event : events) {
      accepted.add(accepted(event));
    }
    return new IngestBatch(owner.id(), NOW, accepted, List.of());
  }

  Appended append(IngestBatch batch) {
    return store.eventLog().append(batch).join();
  }

  List<String> storedMessageIds(Store in, Workspace owner) {
    return in.ledger().latest(owner.id(), DebugEntry.Filter.ACCEPTED, 1000).stream()
        .map(DebugEntry::messageId)
        .toList();
  }

  @Test
  void appendedEventsAreStoredAndCounted() {
    Appended receipt = append(batch(workspace, Events.track("A").messageId("m1"), Events.track("B").messageId("m2")));
    assertThat(receipt).isEqualTo(new Appended(2, 0));
    assertThat(storedMessageIds(store, workspace)).containsExactly("m2", "m1");
    IngestStats stats = store.ledger().stats(workspace.id());
    assertThat(stats.received()).isEqualTo(2);
    assertThat(stats.accepted()).isEqualTo(2);
    assertThat(stats.lastEventAt()).isEqualTo(NOW);
  }

  @Test
  void repeatedMessageIdIsCountedAsDuplicateAndStoredOnce() {
    append(batch(workspace, Events.track("A").messageId("m1")));
    Appended again = append(batch(workspace, Events.track("A").messageId("m1"), Events.track("B").messageId("m2")));
    assertThat(again).isEqualTo(new Appended(1, 1));
    assertThat(storedMessageIds(store, workspace)).containsExactly("m2", "m1");
    assertThat(store.ledger().stats(workspace.id()).duplicates()).isEqualTo(1);
  }

  @Test
  void repeatedMessageIdWithinOneBatchIsStoredOnce() {
    Appended receipt = append(batch(workspace, Events.track("A").messageId("m1"), Events.track("A").messageId("m1")));
    assertThat(receipt).isEqualTo(new Appended(1, 1));
  }

  @Test
  void sameMessageIdInAnotherWorkspaceIsNotADuplicate() {
    Workspace other = store.workspaces().create("Globex", Region.US).workspace();
    append(batch(workspace, Events.track("A").messageId("m1")));
    assertThat(append(batch(other, Events.track("A").messageId("m1")))).isEqualTo(new Appended(1, 0));
    assertThat(storedMessageIds(store, other)).containsExactly("m1");
  }

  @Test
  void concurrentAppendsAllCommitExactlyOnce() {
    List<CompletableFuture<Appended>> futures =
        IntStream.range(0, 200)
            .mapToObj(i -> store.eventLog().append(batch(workspace, Events.track("A").messageId("m" + i), Events.track("A").messageId("m" + (i + 1)))))
            .toList();
    int stored = futures.stream().mapToInt(f -> f.join().stored()).sum();
    int duplicates = futures.stream().mapToInt(f -> f.join().duplicates()).sum();
    assertThat(stored).isEqualTo(201);
    assertThat(duplicates).isEqualTo(199);
    assertThat(storedMessageIds(store, workspace)).hasSize(201).doesNotHaveDuplicates();
  }

  @Test
  void rejectionsAreRecordedForTheDebugger() {
    Outcome.Rejected rejected = new Outcome.Rejected("m9", Rejection.invalid("userId", "userId is required"), "{}");
    store.eventLog().append(new IngestBatch(workspace.id(), NOW, List.of(), List.of(new IngestBatch.RejectedItem(3, rejected)))).join();
    List<DebugEntry> entries = store.ledger().latest(workspace.id(), DebugEntry.Filter.REJECTED, 10);
    assertThat(entries).singleElement().satisfies(entry -> {
      assertThat(entry.status()).isEqualTo("rejected");
      assertThat(entry.index()).isEqualTo(3);
      assertThat(entry.reasons()).containsExactly(new DebugEntry.Reason("userId", "userId is required"));
    });
    assertThat(store.ledger().stats(workspace.id()).rejected()).isEqualTo(1);
  }

  @Test
  void acceptedEventWithWarningsShowsUnderWarning() {
    append(batch(workspace, Events.track("A").set("groupId", true), Events.track("B")));
    List<DebugEntry> warned = store.ledger().latest(workspace.id(), DebugEntry.Filter.WARNING, 10);
    assertThat(warned).singleElement().satisfies(entry -> {
      assertThat(entry.status()).isEqualTo("warning");
      assertThat(entry.reasons()).extracting(DebugEntry.Reason::field).containsExactly("groupId");
    });
    assertThat(store.ledger().stats(workspace.id()).warnings()).isEqualTo(1);
  }

  @Test
  void reopenedStoreKeepsEveryAppendedEventAndContinuesNumbering() {
    append(batch(workspace, Events.track("A").messageId("m1")));
    store.close();
    store = open(dir);
    assertThat(append(batch(workspace, Events.track("A").messageId("m1"), Events.track("B").messageId("m2"))))
        .isEqualTo(new Appended(1, 1));
    assertThat(storedMessageIds(store, workspace)).containsExactly("m2", "m1");
  }

  @Test
  void appendsKeepCommittingWhileAnotherConnectionCreatesWorkspaces() {
    append(batch(workspace, Events.track("A").messageId("m1")));
    try (Store admin = open(dir)) {
      for (int i = 0; i < 5; i++) {
        Workspace created = admin.workspaces().create("W" + i, Region.US).workspace();
        assertThat(append(batch(created, Events.track("A").messageId("m1")))).isEqualTo(new Appended(1, 0));
      }
    }
  }

  @Test
  void processingReadsABatchUpToItsByteBound() {
    String blob = "x".repeat(10_000);
    for (int i = 0; i < 10; i++) {
      append(batch(workspace, Events.track("A").messageId("big" + i).set("properties.blob", blob)));
    }
    assertThat(store.processingLog().readAfter(0, 1_000, 25_000)).hasSize(3);
    assertThat(store.processingLog().readAfter(0, 1_000, 1)).as("at least one").hasSize(1);
    assertThat(store.processingLog().readAfter(0, 4, Long.MAX_VALUE)).hasSize(4);
    assertThat(store.processingLog().readAfter(8, 1_000, Long.MAX_VALUE)).extracting(LogEntry::seq).containsExactly(9L, 10L);
  }

  @Test
  void eventsByUserAndAccountAreFoundBeforeAndAfterProcessingPassesThem() {
    append(batch(workspace, Events.track("A").user("u1").set("groupId", "acme").messageId("m1"),
        Events.track("B").user("u2").set("groupId", "globex").messageId("m2"),
        Events.track("C").user("u1").set("groupId", "acme").messageId("m3"), Events.track("D").user("u1").messageId("m4")));
    EventFilter byUser = new EventFilter(null, "u1", null, null, null);
    EventFilter byAccount = new EventFilter("acme", null, null, null, null);
    assertThat(messageIds(byUser)).as("the unprocessed tail").containsExactly("m4", "m3", "m1");
    assertThat(messageIds(byAccount)).containsExactly("m3", "m1");

    List<ProcessedBatch.Passed> passed = store.processingLog().readAfter(0, 2, Long.MAX_VALUE).stream()
        .map(entry -> ProcessedBatch.Passed.of((LoggedEvent) entry)).toList();
    store.stateWriter().commit(new ProcessedBatch(0, 2, List.of(), passed));

    assertThat(messageIds(byUser)).as("indexed up to the cursor, the tail after").containsExactly("m4", "m3", "m1");
    assertThat(messageIds(byAccount)).containsExactly("m3", "m1");
    assertThat(store.ledger().events(workspace.id(), byUser, 4, 1)).extracting(e -> e.event().messageId())
        .as("a page before seq 4").containsExactly("m3");
  }

  /**
   * More events than the events API's recent index rows take before they move into the big tables
   * (65,536): the first 20,000 in one commit (large enough to go straight into the big tables), the
   * rest in commits of 10,000 (through the recent ones): every event is found exactly once, newest
   * first, page after page across the move.
   */
  @Test
  void eventsAreFoundOnceEachWhetherTheirIndexRowsAreRecentOrMoved() throws Exception {
    int total = 100_000;
    for (int from = 0; from < total; from += 1_000) {
      List<Outcome.Accepted> accepted = new ArrayList<>();
      for (int i = from; i < from + 1_000; i++) {
        accepted.add(accepted(Events.track("F").user("u" + i % 3).set("groupId", "acme").messageId("m" + i)));
      }
      append(new IngestBatch(workspace.id(), NOW, accepted, List.of()));
    }
    for (long cursor = 0; cursor < total; ) {
      int events = cursor == 0 ? 20_000 : 10_000;
      List<ProcessedBatch.Passed> passed = store.processingLog().readAfter(cursor, events, Long.MAX_VALUE).stream()
          .map(entry -> ProcessedBatch.Passed.of((LoggedEvent) entry)).toList();
      long through = passed.get(passed.size() - 1).seq();
      store.stateWriter().commit(new ProcessedBatch(cursor, through, List.of(), passed));
      cursor = through;
    }
    try (Connection connection = backend.connect(dir); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT (SELECT count(*) FROM events_by_user), (SELECT count(*) FROM events_by_user_recent)")) {
      rows.next();
      assertThat(List.of(rows.getLong(1), rows.getLong(2))).as("rows moved, rows recent").allMatch(count -> count > 0);
    }

    List<String> expected = new ArrayList<>();
    for (int i = total - 1; i >= 0; i--) {
      if (i % 3 == 1) {
        expected.add("m" + i);
      }
    }
    assertThat(allPages(new EventFilter(null, "u1", null, null, null))).isEqualTo(expected);
    assertThat(allPages(new EventFilter("acme", null, null, null, null))).hasSize(total).doesNotHaveDuplicates();
  }

  /** Every event the filter finds, read in pages of 5,000 newest first, each page before the last one's oldest. */
  List<String> allPages(EventFilter filter) {
    List<String> found = new ArrayList<>();
    long before = Long.MAX_VALUE;
    for (List<LoggedEvent> page; !(page = store.ledger().events(workspace.id(), filter, before, 5_000)).isEmpty(); ) {
      page.forEach(event -> found.add(event.event().messageId()));
      before = page.get(page.size() - 1).seq();
    }
    return found;
  }

  List<String> messageIds(EventFilter filter) {
    return store.ledger().events(workspace.id(), filter, Long.MAX_VALUE, 50).stream().map(e -> e.event().messageId()).toList();
  }
}
