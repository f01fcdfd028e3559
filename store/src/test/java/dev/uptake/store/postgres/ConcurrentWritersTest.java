package dev.uptake.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.event.Event;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.keys.Region;
import dev.uptake.store.Store;
import dev.uptake.store.UsageRow;
import dev.uptake.store.fixtures.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two processes commit processing changes to the same users, accounts and usage cells of one
 * PostgreSQL database at the same time (each owning half of the session keys, as two partitions'
 * processors would), and the result is what one process makes of all the events: nothing lost,
 * nothing counted twice.
 */
class ConcurrentWritersTest {

  static final LocalDate FROM = LocalDate.parse("2024-04-30");
  static final LocalDate TO = LocalDate.parse("2024-05-04");

  @TempDir Path dir;
  final TestClock clock = new TestClock(Instant.parse("2024-05-04T00:00:00Z"));

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void twoProcessesCommittingOverlappingChangesEqualOneProcessDoingItAll(long seed) throws Exception {
    List<Event> events = WriterProcess.events(seed);
    assertThat(WriterProcess.share(events, 0, 2)).isNotEmpty();
    assertThat(WriterProcess.share(events, 1, 2)).isNotEmpty();
    Path together = dir.resolve("together");
    Path alone = dir.resolve("alone");
    try (Store two = Backend.POSTGRESQL.open(together, clock); Store one = Backend.POSTGRESQL.open(alone, clock)) {
      long shared = two.workspaces().create("Acme", Region.US).workspace().id();
      List<Process> writers = new ArrayList<>();
      List<Path> logs = new ArrayList<>();
      for (int share = 0; share < 2; share++) {
        logs.add(Files.createTempFile(dir, "writer", ".log"));
        writers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
            System.getProperty("java.class.path"), WriterProcess.class.getName(),
            Backend.POSTGRESQL.args(together).get(1), String.valueOf(shared), String.valueOf(seed), String.valueOf(share), "2")
            .redirectErrorStream(true).redirectOutput(logs.get(share).toFile()).start());
      }
      for (int i = 0; i < writers.size(); i++) {
        assertThat(writers.get(i).waitFor(120, TimeUnit.SECONDS)).as("writer %d finished", i).isTrue();
        assertThat(writers.get(i).exitValue()).as(Files.readString(logs.get(i))).isZero();
      }

      long single = one.workspaces().create("Acme", Region.US).workspace().id();
      WriterProcess.process(one, single, events, new Random(seed));

      assertThat(snapshot(two, shared, events)).isEqualTo(snapshot(one, single, events));
      assertThat(two.ledger().stats(shared).processed()).isEqualTo(events.size());
    }
  }

  /** Every user, account, usage cell and session the events lead to, as the store answers for them. */
  static Map<String, Object> snapshot(Store store, long workspace, List<Event> events) {
    TreeSet<String> users = new TreeSet<>();
    TreeSet<String> accounts = new TreeSet<>();
    events.forEach(event -> {
      users.add(event.userId());
      if (event.groupId() != null) {
        accounts.add(event.groupId());
      }
    });
    Map<String, Object> snapshot = new TreeMap<>();
    snapshot.put("users", new TreeMap<>(store.profiles().users(workspace, users)));
    snapshot.put("accounts", new TreeMap<>(store.profiles().accounts(workspace, accounts)));
    for (String user : users) {
      snapshot.put("usage of " + user, sorted(store.usage().userUsage(workspace, user, FROM, TO)));
      snapshot.put("sessions of " + user, store.usage().userSessions(workspace, user, Long.MIN_VALUE, Long.MAX_VALUE, 1_000)
          .stream().map(session -> session.startMillis() + "-" + session.endMillis() + " " + session.sessionKey()).toList());
    }
    for (String account : accounts) {
      snapshot.put("usage of " + account, sorted(store.usage().accountUsage(workspace, account, FROM, TO)));
    }
    return snapshot;
  }

  private static List<String> sorted(List<UsageRow> rows) {
    return rows.stream().sorted(Comparator.comparing(UsageRow::toString)).map(UsageRow::toString).toList();
  }
}
