package dev.uptake.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.Stamp;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.keys.Region;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.store.CursorMovedException;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.Quarantine;
import dev.uptake.store.Quarantined;
import dev.uptake.store.Store;
import dev.uptake.store.UsageRow;
import dev.uptake.store.fixtures.Backend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** What processing commits and how it is read back: the state writer, profiles, usage, quarantine, settings. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class ProcessingContractTest {

  static final Instant NOW = Instant.parse("2024-05-01T10:05:00Z");
  static final LocalDate DAY = LocalDate.parse("2024-05-01");

  @Parameter Backend backend;
  @TempDir Path dir;
  Store store;
  long workspace;

  @BeforeEach
  void open() {
    store = backend.open(dir, new TestClock(NOW));
    workspace = store.workspaces().create("Acme", Region.US).workspace().id();
  }

  @AfterEach
  void close() {
    if (store != null) { // null when a missing PostgreSQL skipped the start
      store.close();
    }
  }

  static UserState user(String id, String field, String value, long millis) {
    return UserState.empty(id).withFields(
        UserState.empty(id).fields().with(field, TextNode.valueOf(value), new Stamp(millis, "m" + millis)),
        UserState.empty(id).traits(), UserState.empty(id).dimensions());
  }

  ProcessedBatch changes(long from, long to, List<UserState> users, List<AccountState> accounts, Map<Cell, Measures> usage) {
    return new ProcessedBatch(from, to, List.of(new ProcessedBatch.WorkspaceChanges(workspace, 0, users, accounts, Map.of(),
        List.of(), usage)), List.of());
  }

  @Test
  void committedUsersAndAccountsAreReadBack() {
    store.stateWriter().commit(changes(0, 0, List.of(user("u1", "name", "Ann", 1)), List.of(AccountState.empty("acme")), Map.of()));

    assertThat(store.profiles().user(workspace, "u1").orElseThrow().fields().text("name")).contains("Ann");
    assertThat(store.profiles().accounts(workspace, Set.of("acme", "nobody"))).containsOnlyKeys("acme");
  }

  @Test
  void usageCellsAddUpAcrossCommitsAndACellBackAtZeroIsGone() {
    Cell cell = new Cell(DAY, "u1", "acme", "Reports", "Export");
    store.stateWriter().commit(changes(0, 0, List.of(), List.of(), Map.of(cell, new Measures(2, 1, 60_000, 30_000))));
    store.stateWriter().commit(changes(0, 0, List.of(), List.of(), Map.of(cell, new Measures(3, 0, 1_000, 500))));

    assertThat(store.usage().userUsage(workspace, "u1", DAY, DAY))
        .containsExactly(new UsageRow(cell, new Measures(5, 1, 61_000, 30_500)));

    store.stateWriter().commit(changes(0, 0, List.of(), List.of(), Map.of(cell, new Measures(-5, -1, -61_000, -30_500))));
    assertThat(store.usage().userUsage(workspace, "u1", DAY, DAY)).isEmpty();
    assertThat(store.usage().activity(workspace, DAY, DAY)).isEmpty();
  }

  /**
   * More cells than the embedded store's recent cells take before they move into usage_daily
   * (65,536), in commits small enough to go through them (a commit of 16,384 cells or more adds to
   * usage_daily directly): a cell reads as the sum of what every commit added, before and after
   * each move and whichever way it went, and one a decrease brought back to zero is gone from the
   * table after the move.
   */
  @Test
  void usageCellsAddUpAcrossMovesOfRecentCells() throws Exception {
    Cell grown = new Cell(DAY, "u1", "acme", "Reports", "Export");
    Cell zeroed = new Cell(DAY, "u2", "acme", "Reports", "Export");
    commitCells(0, 75_000, 15_000);
    store.stateWriter().commit(changes(0, 0, List.of(), List.of(),
        Map.of(grown, new Measures(2, 0, 0, 0), zeroed, new Measures(-1, -1, -1_000, -500))));
    assertThat(store.usage().userUsage(workspace, "u1", DAY, DAY)).containsExactly(new UsageRow(grown, new Measures(3, 1, 1_000, 500)));
    assertThat(store.usage().userUsage(workspace, "u2", DAY, DAY)).isEmpty();

    commitCells(100_000, 20_000, 20_000);
    commitCells(200_000, 66_000, 11_000);
    store.stateWriter().commit(changes(0, 0, List.of(), List.of(), Map.of(grown, new Measures(1, 0, 0, 0))));

    assertThat(store.usage().userUsage(workspace, "u1", DAY, DAY)).containsExactly(new UsageRow(grown, new Measures(4, 1, 1_000, 500)));
    assertThat(store.usage().userUsage(workspace, "u2", DAY, DAY)).isEmpty();
    List<UsageRow> ofAccount = store.usage().accountUsage(workspace, "acme", DAY, DAY);
    assertThat(ofAccount).hasSize(75_000 - 1 + 20_000 + 66_000);
    assertThat(ofAccount.stream().mapToLong(row -> row.measures().events()).sum()).isEqualTo(75_000 + 1 + 20_000 + 66_000 + 1);
    try (Connection connection = backend.connect(dir); Statement statement = connection.createStatement();
        ResultSet counts = statement.executeQuery("SELECT (SELECT count(*) FROM usage_daily WHERE events = 0 AND sessions = 0),"
            + " (SELECT count(*) FROM usage_daily_recent)")) {
      counts.next();
      assertThat(counts.getLong(1)).as("cells at zero left in usage_daily").isZero();
      assertThat(counts.getLong(2)).as("recent cells, moved once there were 65,536").isLessThan(65_536 + 16_384);
    }
  }

  /** Cells of account acme, one per user from u{@code first}, {@code perCommit} per commit: one event, one session, a second. */
  void commitCells(int first, int count, int perCommit) {
    for (int from = first; from < first + count; from += perCommit) {
      Map<Cell, Measures> cells = new HashMap<>();
      for (int i = from; i < from + perCommit; i++) {
        cells.put(new Cell(DAY, "u" + i, "acme", "Reports", "Export"), new Measures(1, 1, 1_000, 500));
      }
      store.stateWriter().commit(changes(0, 0, List.of(), List.of(), cells));
    }
  }

  @Test
  void commitFromAStaleCursorIsRefusedAndWritesNothing() {
    store.stateWriter().commit(changes(0, 5, List.of(), List.of(), Map.of()));
    assertThat(store.processingLog().cursor()).isEqualTo(5);

    assertThatThrownBy(() -> store.stateWriter().commit(changes(0, 9, List.of(user("u1", "name", "Ann", 1)), List.of(), Map.of())))
        .isInstanceOf(CursorMovedException.class)
        .hasMessageContaining("at 5, not at 0");
    assertThat(store.processingLog().cursor()).isEqualTo(5);
    assertThat(store.profiles().user(workspace, "u1")).as("rolled back with the cursor").isEmpty();
  }

  @Test
  void changesUpToAVersionIncludeEveryCommitBeforeIt() {
    long before = store.stateWriter().version();
    store.stateWriter().commit(changes(0, 0, List.of(user("u1", "name", "Ann", 1)), List.of(AccountState.empty("acme")),
        Map.of(new Cell(DAY, "u1", "acme", "", "F"), new Measures(1, 0, 0, 0))));
    long after = store.stateWriter().version();

    assertThat(after).isGreaterThan(before);
    assertThat(store.profiles().changed(workspace, before, after).users()).extracting(UserState::userId).containsExactly("u1");
    assertThat(store.profiles().changed(workspace, before, after).accounts()).extracting(AccountState::accountId)
        .containsExactly("acme");
    assertThat(store.usage().activityChanged(workspace, before, after, DAY.plusDays(1))).hasSize(1);
    assertThat(store.profiles().changed(workspace, after, store.stateWriter().version()).users()).isEmpty();
  }

  @Test
  void setAsideEventIsCountedRetriedOnRequestAndReleased() {
    Outcome.Accepted event = (Outcome.Accepted) new Normalizer(Events.JSON).normalize(Events.track("A").messageId("bad").node(),
        NOW, null);
    store.eventLog().append(new IngestBatch(workspace, NOW, List.of(event), List.of())).join();
    long seq = store.processingLog().readAfter(0, 10, Long.MAX_VALUE).get(0).seq();
    store.stateWriter().commit(new ProcessedBatch(0, seq, List.of(), List.of(new Quarantined(seq, workspace, "bad", "boom")),
        Set.of(), List.of()));

    assertThat(store.quarantine().count(workspace)).isEqualTo(1);
    assertThat(store.processingLog().retries(10)).isEmpty();
    assertThat(store.quarantine().requestRetry(workspace, "bad")).isEqualTo(Quarantine.Retry.REQUESTED);
    assertThat(store.quarantine().requestRetry(workspace, "never-sent")).isEqualTo(Quarantine.Retry.UNKNOWN);
    assertThat(store.processingLog().retries(10)).extracting(entry -> entry.messageId()).containsExactly("bad");

    store.stateWriter().commit(new ProcessedBatch(seq, seq, List.of(), List.of(), Set.of(seq), List.of()));
    assertThat(store.quarantine().total()).isZero();
    assertThat(store.quarantine().requestRetry(workspace, "bad")).isEqualTo(Quarantine.Retry.NOT_FAILED);
  }

  @Test
  void settingsAreDefaultsUntilSavedAndThenWhatWasSaved() {
    assertThat(store.settings().get(workspace)).isEqualTo(WorkspaceSettings.DEFAULTS);
    WorkspaceSettings berlin = new WorkspaceSettings(List.of("Gold"), List.of("Trial"), List.of(), 45, 10,
        ZoneId.of("Europe/Berlin"));
    store.settings().put(workspace, berlin);
    assertThat(store.settings().get(workspace)).isEqualTo(berlin);
  }
}
