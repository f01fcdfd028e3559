package dev.uptake.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.keys.Region;
import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionEvent;
import dev.uptake.core.sessions.SessionJson;
import dev.uptake.core.sessions.SessionMerge;
import dev.uptake.store.DatabaseUrl;
import dev.uptake.store.ProcessedBatch;
import dev.uptake.store.Store;
import dev.uptake.store.fixtures.Backend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store whose sessions were written before pieces were chained (each piece keyed by its
 * session) reads them back whole after the upgrade, and grows them as a new store would.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class SessionPieceChainsMigrationTest {

  static final long MINUTE = 60_000;
  static final SessionJson JSON = new SessionJson(new ObjectMapper());

  @Parameter Backend backend;

  @TempDir Path dir;

  @Test
  void sessionsWrittenBeforeTheUpgradeReadBackWholeAndKeepGrowing() throws Exception {
    migrateToTheLastVersionBeforeChains();
    SessionEvent first = event(0, "a");
    SessionEvent second = event(5 * MINUTE, "b");
    SessionEvent third = event(9 * MINUTE, "c");
    SessionEvent later = event(120 * MINUTE, "d");
    try (Connection connection = backend.connect(dir)) {
      insertSummary(connection, 0, 9 * MINUTE);
      insertPiece(connection, 0, List.of(first, second)); // a session grown by two batches: two pieces
      insertPiece(connection, 0, List.of(third));
      insertSummary(connection, 120 * MINUTE, 120 * MINUTE);
      insertPiece(connection, 120 * MINUTE, List.of(later));
    }
    Session grown = new Session("u1", List.of(first, second, third));
    Session alone = new Session("u1", List.of(later));

    try (Store store = backend.open(dir, new TestClock(Instant.parse("2024-05-01T00:00:00Z")))) {
      long workspace = store.workspaces().create("Acme", Region.US).workspace().id();
      assertThat(workspace).as("the workspace the rows were written for").isEqualTo(1);
      assertThat(store.usage().userSessions(1, "u1", Long.MIN_VALUE, Long.MAX_VALUE, 10)).containsExactly(alone, grown);
      assertThat(store.usage().sessions(1).reached(Map.of("u1", new SessionMerge.Reach(8 * MINUTE, 10 * MINUTE))))
          .containsExactly(Map.entry("u1", List.of(grown)));

      SessionEvent arrival = event(12 * MINUTE, "e");
      SessionMerge.Change change = SessionMerge.merge("u1", List.of(grown), List.of(arrival), 30 * MINUTE);
      store.stateWriter().commit(new ProcessedBatch(0, List.of(new ProcessedBatch.WorkspaceChanges(
          workspace, 1, List.of(), List.of(), Map.of(), List.of(change), Map.of()))));
      assertThat(store.usage().userSessions(1, "u1", Long.MIN_VALUE, Long.MAX_VALUE, 10))
          .containsExactly(alone, new Session("u1", List.of(first, second, third, arrival)));
    }
  }

  private void migrateToTheLastVersionBeforeChains() {
    backend.startEmpty(dir);
    if (backend == Backend.SQLITE) {
      Flyway.configure().dataSource("jdbc:sqlite:" + dir.resolve("state.db"), null, null)
          .locations("classpath:db/sqlite-state").target("7").load().migrate();
    } else {
      DatabaseUrl url = backend.config(dir).database();
      Flyway.configure().dataSource(url.jdbcUrl(), url.user(), url.password())
          .locations("classpath:db/postgresql").target("9").load().migrate();
    }
  }

  private static SessionEvent event(long time, String messageId) {
    return new SessionEvent(time, messageId, "u1", "", "Reports", "Export", null, null);
  }

  private static void insertSummary(Connection connection, long start, long end) throws Exception {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sessions (workspace_id, session_key, start_ms,"
        + " end_ms, user_id, account_key) VALUES (1, 'u1', ?, ?, 'u1', '')")) {
      insert.setLong(1, start);
      insert.setLong(2, end);
      insert.execute();
    }
  }

  private static void insertPiece(Connection connection, long start, List<SessionEvent> events) throws Exception {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO session_pieces (workspace_id, session_key, start_ms, events) VALUES (1, 'u1', ?, ?)")) {
      insert.setLong(1, start);
      insert.setString(2, JSON.write(events));
      insert.execute();
    }
  }
}
