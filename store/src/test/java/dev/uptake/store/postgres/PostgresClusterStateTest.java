package dev.uptake.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.Fields;
import dev.uptake.core.identity.Stamp;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.keys.Region;
import dev.uptake.store.ClusterBatch;
import dev.uptake.store.ClusterState;
import dev.uptake.store.DuplicateArrivalException;
import dev.uptake.store.EventId;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.PartitionFencedException;
import dev.uptake.store.PartitionPosition;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.Store;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.fixtures.Backend;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What cluster processors rely on: partitions fenced by epochs, events counted once, a database used one way. */
class PostgresClusterStateTest {

  static final Instant NOW = Instant.parse("2024-05-01T10:05:00Z");
  static final String TOPIC = "uptake.events";

  @TempDir Path dir;
  final TestClock clock = new TestClock(NOW);
  final Normalizer normalizer = new Normalizer(Events.JSON);
  Store store;
  ClusterState state;
  long workspace;

  @BeforeEach
  void open() {
    store = Backend.POSTGRESQL.open(dir, clock);
    state = store.clusterState();
    workspace = store.workspaces().create("Acme", Region.US).workspace().id();
    state.join(TOPIC);
  }

  @AfterEach
  void close() {
    if (store != null) { // null when a missing PostgreSQL skipped the start
      store.close();
    }
  }

  private ClusterBatch.Arrival arrival(String messageId) {
    Outcome.Accepted event = (Outcome.Accepted) normalizer.normalize(Events.track("A").messageId(messageId).node(), NOW, null);
    return new ClusterBatch.Arrival(state.seqs(1)[0], workspace, event);
  }

  private static ClusterBatch batch(List<PartitionPosition> positions, List<ClusterBatch.Arrival> arrivals) {
    return new ClusterBatch(TOPIC, positions, arrivals, List.of(), Map.of(), new ProcessedBatch(0, List.of()));
  }

  @Test
  void aProcessorThatLostAPartitionCommitsNothingForIt() {
    PartitionPosition first = state.claim(TOPIC, List.of(3)).get(0);
    state.commit(batch(List.of(first.at(10)), List.of(arrival("a"))));

    PartitionPosition second = state.claim(TOPIC, List.of(3)).get(0);
    assertThat(second.epoch()).isGreaterThan(first.epoch());
    assertThat(second.nextOffset()).as("the new owner goes on after the old one's last commit").isEqualTo(10);

    assertThatThrownBy(() -> state.commit(batch(List.of(first.at(20)), List.of(arrival("b")))))
        .isInstanceOf(PartitionFencedException.class).hasMessageContaining("partition 3");
    assertThat(store.ledger().stats(workspace).accepted()).as("nothing of the fenced batch").isEqualTo(1);
    assertThat(state.claim(TOPIC, List.of(3)).get(0).nextOffset()).isEqualTo(10);
  }

  @Test
  void anEventStoredMeanwhileFailsTheWholeCommitAndCountsOnce() {
    List<PartitionPosition> positions = state.claim(TOPIC, List.of(0, 1));
    state.commit(batch(List.of(positions.get(0).at(1)), List.of(arrival("same"))));

    assertThat(state.known(List.of(new EventId(workspace, "same"), new EventId(workspace, "other"))))
        .containsExactly(new EventId(workspace, "same"));
    assertThatThrownBy(() -> state.commit(batch(List.of(positions.get(1).at(2)), List.of(arrival("other"), arrival("same")))))
        .isInstanceOf(DuplicateArrivalException.class);
    assertThat(store.ledger().stats(workspace).accepted()).isEqualTo(1);
    assertThat(state.claim(TOPIC, List.of(1)).get(0).nextOffset()).as("offsets did not move").isZero();
  }

  @Test
  void countsArrivalsRepeatsAndRejectionsAsTheEmbeddedLogDoes() {
    PartitionPosition position = state.claim(TOPIC, List.of(0)).get(0);
    Outcome.Rejected rejected = (Outcome.Rejected) normalizer.normalize(Events.JSON.createObjectNode().put("type", "track"),
        NOW, null);
    state.commit(new ClusterBatch(TOPIC, List.of(position.at(4)), List.of(arrival("a"), arrival("b")),
        List.of(new ClusterBatch.Rejection(workspace, NOW, new IngestBatch.RejectedItem(0, rejected))),
        Map.of(workspace, 1), new ProcessedBatch(0, List.of())));

    var stats = store.ledger().stats(workspace);
    assertThat(List.of(stats.received(), stats.accepted(), stats.duplicates(), stats.rejected())).containsExactly(4L, 2L, 1L, 1L);
    assertThat(store.ledger().events(workspace, new dev.uptake.store.EventFilter(null, null, null, null, null), Long.MAX_VALUE, 10)).hasSize(2);
  }

  @Test
  void aServerWithoutKafkaCannotAppendToAClusterDatabase() {
    Outcome.Accepted event = (Outcome.Accepted) normalizer.normalize(Events.track("A").node(), NOW, null);
    assertThat(store.eventLog().append(new IngestBatch(workspace, NOW, List.of(event), List.of())))
        .failsWithin(java.time.Duration.ofSeconds(10)).withThrowableThat()
        .withCauseInstanceOf(StoreUnavailableException.class).withMessageContaining("serves an Uptake cluster");
  }

  @Test
  void aServerWithoutKafkaDoesNotProcessAClusterDatabase() {
    assertThatThrownBy(() -> store.stateWriter().claim()).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("--kafka");
  }

  @Test
  void aClusterCannotJoinWhileAServerWithoutKafkaProcesses() {
    try (Store embedded = Backend.POSTGRESQL.open(dir.resolve("other"), clock);
        Store cluster = Backend.POSTGRESQL.open(dir.resolve("other"), clock)) {
      assertThat(embedded.stateWriter().claim()).isTrue();
      assertThatThrownBy(() -> cluster.clusterState().join(TOPIC)).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("is processing this database");
    }
  }

  private ClusterBatch changing(PartitionPosition position, List<UserState> users, List<AccountState> accounts) {
    return new ClusterBatch(TOPIC, List.of(position), List.of(), List.of(), Map.of(), new ProcessedBatch(0, List.of(
        new ProcessedBatch.WorkspaceChanges(workspace, 0, users, accounts, Map.of(), List.of(), Map.of()))));
  }

  private static Fields field(String name, String value, long eventTime) {
    return Fields.EMPTY.with(name, TextNode.valueOf(value), new Stamp(eventTime, name + eventTime));
  }

  @Test
  void twoProcessorsChangingOneUserAndAccountKeepBothChanges() {
    List<PartitionPosition> positions = state.claim(TOPIC, List.of(0, 1));
    // Both computed from the user and account as neither had changed them (each read before the other committed).
    UserState byFirst = UserState.empty("u").withFields(field("firstName", "Ada", 1_000), Fields.EMPTY, Fields.EMPTY);
    UserState bySecond = UserState.empty("u").withFields(field("firstName", "Old", 500), field("plan", "pro", 2_000), Fields.EMPTY);
    AccountState accountByFirst = AccountState.empty("acme").withFields(field("name", "Acme", 3_000), Fields.EMPTY, Fields.EMPTY);
    AccountState accountBySecond = AccountState.empty("acme").withFields(Fields.EMPTY, field("tier", "gold", 1_000), Fields.EMPTY);

    state.commit(changing(positions.get(0), List.of(byFirst), List.of(accountByFirst)));
    assertThat(store.profiles().changed(workspace, 0, Long.MAX_VALUE).users()).as("a new user is a change to follow")
        .extracting(UserState::userId).containsExactly("u");
    state.commit(changing(positions.get(1), List.of(bySecond), List.of(accountBySecond)));

    UserState stored = store.profiles().user(workspace, "u").orElseThrow();
    assertThat(stored.fields().text("firstName")).as("the later event's name, committed first").contains("Ada");
    assertThat(stored.traits().text("plan")).as("the other processor's trait").contains("pro");
    AccountState account = store.profiles().account(workspace, "acme").orElseThrow();
    assertThat(account.fields().text("name")).contains("Acme");
    assertThat(account.traits().text("tier")).contains("gold");
  }

  @Test
  void seqsDrawnByProcessorsAtOnceNeverRepeat() throws Exception {
    List<Store> others = new ArrayList<>(); // other processes' stores on the same database
    ExecutorService processors = Executors.newFixedThreadPool(4);
    try {
      List<ClusterState> drawers = new ArrayList<>(List.of(state));
      for (int i = 0; i < 3; i++) {
        others.add(Backend.POSTGRESQL.open(dir, clock));
        drawers.add(others.get(i).clusterState());
      }
      Set<Long> drawn = ConcurrentHashMap.newKeySet();
      AtomicLong total = new AtomicLong();
      List<Future<?>> draws = new ArrayList<>();
      for (ClusterState drawer : drawers) {
        Random random = new Random(draws.size());
        draws.add(processors.submit(() -> {
          for (int i = 0; i < 1_000; i++) {
            long[] block = drawer.seqs(1 + random.nextInt(200));
            for (int j = 1; j < block.length; j++) {
              assertThat(block[j]).isEqualTo(block[j - 1] + 1);
            }
            Arrays.stream(block).forEach(drawn::add);
            total.addAndGet(block.length);
          }
        }));
      }
      for (Future<?> draw : draws) {
        draw.get();
      }
      assertThat((long) drawn.size()).as("every seq drawn once").isEqualTo(total.get());
    } finally {
      processors.shutdownNow();
      others.forEach(Store::close);
    }
  }

  @Test
  void aClusterOnAnotherTopicIsRefused() {
    assertThatThrownBy(() -> state.join("other.events")).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("--topic uptake.events");
    state.join(TOPIC); // the same topic again: fine
  }
}
