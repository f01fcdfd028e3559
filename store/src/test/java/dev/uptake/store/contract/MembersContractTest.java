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
import java.time.Duration;
import java.time.Instant;
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

  private long rows() throws Exception {
    try (Connection connection = backend.connect(dir);
        ResultSet count = connection.createStatement().executeQuery("SELECT count(*) FROM web_sessions")) {
      count.next();
      return count.getLong(1);
    }
  }
}
