package dev.uptake.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.keys.Region;
import dev.uptake.store.Members;
import dev.uptake.store.Store;
import dev.uptake.store.fixtures.Backend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class MembersContractTest {

  @Parameter Backend backend;

  @TempDir Path dir;
  final TestClock clock = new TestClock(Instant.parse("2024-05-01T10:00:00Z"));
  Store store;

  @BeforeEach
  void open() {
    store = backend.open(dir, clock);
  }

  @AfterEach
  void close() {
    if (store != null) { // null when a missing PostgreSQL skipped the start
      store.close();
    }
  }

  @Test
  void expiredSessionsAreDeletedWhenASessionStarts() throws Exception {
    long workspace = store.workspaces().create("Acme", Region.US).workspace().id();
    long member = store.members().add("ada@acme.test", "hash", workspace, Members.Role.ADMIN).member().id();
    store.members().startSession("expires-soon", member, workspace, "csrf-1", clock.instant().plus(Duration.ofHours(1)));
    store.members().startSession("lasts", member, workspace, "csrf-2", clock.instant().plus(Duration.ofHours(12)));
    clock.advance(Duration.ofHours(2));

    store.members().startSession("new", member, workspace, "csrf-3", clock.instant().plus(Duration.ofHours(12)));

    assertThat(rows()).isEqualTo(2);
    assertThat(store.members().session("lasts", clock.instant())).isPresent();
    assertThat(store.members().session("expires-soon", clock.instant())).isEmpty();
  }

  /**
   * A sign-in reads its address's recent failures before it counts one. On SQLite a transaction
   * that reads first fails at once (SQLITE_BUSY) when another connection writes meanwhile, as the
   * alert watch does every ten seconds: the sign-in must wait for it and succeed, not answer 503.
   */
  @Test
  void aSignInWaitsForAnotherWriterInsteadOfFailing() throws Exception {
    long workspace = store.workspaces().create("Acme", Region.US).workspace().id();
    store.members().add("ada@acme.test", "hash", workspace, Members.Role.ADMIN);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (Connection other = backend.connect(dir); Statement write = other.createStatement()) {
      other.setAutoCommit(false);
      write.executeUpdate("INSERT INTO leases (name, holder, until) VALUES ('held', 'another program', 0)");
      Future<Members.SignInAttempt> attempt = thread.submit(() ->
          store.members().attemptSignIn(List.of("ada@acme.test"), 5, Duration.ofMinutes(15)));
      Thread.sleep(300); // the attempt reads, then waits for the other program's write lock
      other.commit();

      assertThat(attempt.get(10, TimeUnit.SECONDS).counted()).hasSize(1);
    } finally {
      thread.shutdownNow();
    }
  }

  private long rows() throws Exception {
    try (Connection connection = backend.connect(dir);
        ResultSet count = connection.createStatement().executeQuery("SELECT count(*) FROM web_sessions")) {
      count.next();
      return count.getLong(1);
    }
  }
}
