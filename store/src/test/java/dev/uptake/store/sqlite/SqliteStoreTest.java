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
import dev.uptake.store.DebugEntry;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.Store;
import dev.uptake.store.StoreConfig;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.Workspace;
import dev.uptake.store.jdbc.JdbcWorkspaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the embedded store does: one appender per data directory, files that hold no secret. */
class SqliteStoreTest {

  static final Instant NOW = Instant.parse("2024-05-01T10:05:00Z");

  @TempDir Path dir;
  Store store;
  Workspace workspace;

  @BeforeEach
  void open() {
    store = open(dir);
    workspace = store.workspaces().create("Acme", Region.US).workspace();
  }

  @AfterEach
  void close() {
    store.close();
  }

  Store open(Path path) {
    return SqliteStore.open(new StoreConfig(path), new TestClock(NOW), new KeyFactory(new SecureRandom()));
  }

  Appended append(String messageId) {
    Outcome.Accepted accepted =
        (Outcome.Accepted) new Normalizer(Events.JSON).normalize(Events.track("A").messageId(messageId).node(), NOW, null);
    return store.eventLog().append(new IngestBatch(workspace.id(), NOW, List.of(accepted), List.of())).join();
  }

  @Test
  void adminTokenIsNowhereInTheFiles() throws Exception {
    String token = store.workspaces().create("Globex", Region.US).adminToken();
    Path wal = dir.resolve(SqliteStore.FILE_NAME + "-wal");
    String all = new String(Files.readAllBytes(dir.resolve(SqliteStore.FILE_NAME)), StandardCharsets.ISO_8859_1)
        + (Files.exists(wal) ? new String(Files.readAllBytes(wal), StandardCharsets.ISO_8859_1) : "");
    assertThat(all).doesNotContain(token).contains(JdbcWorkspaces.sha256(token));
  }

  @Test
  void rowAddedByAnotherWriterIsNotMistakenForADuplicate() throws Exception {
    append("m1");
    try (Connection shell = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("uptake.db"))) {
      shell.createStatement().execute("INSERT INTO events (seq, workspace_id, message_id, type, user_id, event_time,"
          + " received_at, payload) VALUES (2, " + workspace.id() + ", 'from-a-shell', 'track', 'u1', 0, 0, '{}')");
    }
    assertThat(append("m2")).isEqualTo(new Appended(1, 0));
    assertThat(store.ledger().latest(workspace.id(), DebugEntry.Filter.ACCEPTED, 10)).extracting(DebugEntry::messageId)
        .containsExactlyInAnyOrder("m2", "from-a-shell", "m1");
  }

  @Test
  void secondAppenderOnTheSameDataDirectoryIsRefused() {
    store.eventLog();
    try (Store second = open(dir)) {
      assertThatThrownBy(second::eventLog)
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("already running");
    }
  }
}
