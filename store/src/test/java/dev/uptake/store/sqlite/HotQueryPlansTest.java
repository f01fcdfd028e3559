package dev.uptake.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.event.EventType;
import dev.uptake.core.fixtures.TestClock;
import dev.uptake.core.keys.KeyFactory;
import dev.uptake.store.EventFilter;
import dev.uptake.store.StoreConfig;
import dev.uptake.store.jdbc.Dialect;
import dev.uptake.store.jdbc.JdbcLedger;
import dev.uptake.store.jdbc.JdbcProfiles;
import dev.uptake.store.jdbc.JdbcUsage;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every query behind an account or user page, the events API and the debugger reads through the
 * index made for it, on a store without planner statistics (a new one, the planner's worst case):
 * none scans a table, or a range wider than the one account, user or workspace it is about.
 */
class HotQueryPlansTest {

  private static final JdbcUsage.HotSql HOT = JdbcUsage.HotSql.of(Dialect.SQLITE);

  /** Each link of a session's chain of pieces: one lookup by id. */
  private static final String PIECE_BY_ID = "p USING INTEGER PRIMARY KEY (rowid=?)";

  @TempDir static Path dir;
  static SqliteStore store;
  static Connection connection;

  @BeforeAll
  static void open() throws Exception {
    store = SqliteStore.open(new StoreConfig(dir), new TestClock(Instant.parse("2024-05-01T10:00:00Z")),
        new KeyFactory(new SecureRandom()));
    connection = new AttachingDataSource(SqliteStore.logSource(dir, 2_048), dir.resolve("state.db"), 2_048).getConnection();
  }

  @AfterAll
  static void close() throws Exception {
    connection.close();
    store.close();
  }

  static Stream<Arguments> hotQueries() {
    EventFilter byUser = new EventFilter(null, "u1", null, null, null);
    EventFilter byAccount = new EventFilter("acme", null, EventType.TRACK, Instant.EPOCH, Instant.now());
    return Stream.of(
        Arguments.of("account usage", HOT.accountUsage(),
            List.of("usage_daily USING PRIMARY KEY (workspace_id=? AND account_key=? AND day>? AND day<?)",
                "usage_daily USING INDEX usage_by_user (workspace_id=? AND user_id=? AND day>? AND day<?)",
                "usage_daily_recent USING PRIMARY KEY (workspace_id=? AND account_key=? AND day>? AND day<?)",
                "usage_daily_recent USING INDEX usage_recent_by_user (workspace_id=? AND user_id=? AND day>? AND day<?)",
                "users USING INDEX users_by_account (workspace_id=? AND account_id=?)")),
        Arguments.of("user usage", HOT.userUsage(),
            List.of("usage_daily USING INDEX usage_by_user (workspace_id=? AND user_id=? AND day>? AND day<?)",
                "usage_daily_recent USING INDEX usage_recent_by_user (workspace_id=? AND user_id=? AND day>? AND day<?)")),
        Arguments.of("account sessions", HOT.accountSessions(),
            List.of("sessions USING INDEX sessions_by_account (workspace_id=? AND account_key=? AND start_ms>? AND start_ms<?)",
                "sessions USING INDEX sessions_by_user (workspace_id=? AND user_id=? AND start_ms>? AND start_ms<?)",
                PIECE_BY_ID)),
        Arguments.of("user sessions", HOT.userSessions(),
            List.of("sessions USING INDEX sessions_by_user (workspace_id=? AND user_id=? AND start_ms>? AND start_ms<?)",
                PIECE_BY_ID)),
        Arguments.of("sessions a batch reaches", JdbcUsage.REACHED,
            List.of("sessions USING INDEX sqlite_autoindex_sessions_1 (workspace_id=? AND session_key=? AND start_ms<?)",
                "sessions USING INDEX sqlite_autoindex_sessions_1 (workspace_id=? AND session_key=? AND start_ms>? AND start_ms<?)",
                PIECE_BY_ID)),
        Arguments.of("accounts' activity", HOT.activityOfAccounts() + "(?, ?)",
            List.of("activity_daily USING PRIMARY KEY (workspace_id=? AND account_key=?)")),
        Arguments.of("users' account-less activity", HOT.activityOfUsers() + "(?, ?)",
            List.of("activity_daily USING PRIMARY KEY (workspace_id=? AND account_key=? AND user_id=?)")),
        Arguments.of("an account's users", JdbcProfiles.usersOf(Dialect.SQLITE),
            List.of("users USING INDEX users_by_account (workspace_id=? AND account_id=?)")),
        Arguments.of("a user's events", JdbcLedger.EventsQuery.of(Dialect.SQLITE, 1, byUser, Long.MAX_VALUE, 50).sql(),
            List.of("r USING PRIMARY KEY (workspace_id=? AND user_id=? AND seq<?)",
                "e USING INTEGER PRIMARY KEY (rowid=?)",
                "events USING INDEX events_by_workspace (workspace_id=? AND seq>? AND seq<?)")),
        Arguments.of("an account's events", JdbcLedger.EventsQuery.of(Dialect.SQLITE, 1, byAccount, Long.MAX_VALUE, 50).sql(),
            List.of("r USING PRIMARY KEY (workspace_id=? AND account_id=? AND seq<?)",
                "r USING PRIMARY KEY (workspace_id=? AND user_id=? AND seq<?)",
                "events USING INDEX events_by_workspace (workspace_id=? AND seq>? AND seq<?)",
                "users USING INDEX users_by_account (workspace_id=? AND account_id=?)")),
        Arguments.of("a workspace's events", JdbcLedger.EventsQuery.of(Dialect.SQLITE, 1, new EventFilter(null, null, null, null, null),
            Long.MAX_VALUE, 50).sql(), List.of("events USING INDEX events_by_workspace (workspace_id=? AND seq<?)")),
        Arguments.of("the debugger's warnings", JdbcLedger.warnedEvents(Dialect.SQLITE),
            List.of("events USING INDEX events_with_warnings (workspace_id=?)",
                "event_warnings USING INDEX event_warnings_by_workspace (workspace_id=?)")),
        Arguments.of("the debugger's failed events", JdbcLedger.FAILED_EVENTS, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hotQueries")
  void hotQueryReadsThroughItsIndex(String name, String sql, List<String> searches) throws Exception {
    List<String> plan = plan(sql);
    for (String search : searches) {
      // "table USING INDEX i (…)": SQLite says COVERING INDEX when the index alone answers, which is as good
      String covering = search.replace(" USING INDEX ", " USING COVERING INDEX ");
      assertThat(plan).as("plan of %s", name)
          .anyMatch(line -> line.equals("SEARCH " + search) || line.equals("SEARCH " + covering));
    }
    // A subquery's rows are read as they are made (a co-routine): scanning those reads no table.
    List<String> subqueries = new ArrayList<>(plan.stream().filter(line -> line.startsWith("CO-ROUTINE "))
        .map(line -> "SCAN " + line.substring("CO-ROUTINE ".length())).toList());
    if (plan.contains("RECURSIVE STEP")) {
      subqueries.add("SCAN c"); // the queue of a chain being walked (SessionRows): one row per step
    }
    assertThat(plan).as("plan of %s: no table scanned", name)
        .noneMatch(line -> line.startsWith("SCAN ") && !line.startsWith("SCAN (subquery") && !line.startsWith("SCAN CONSTANT")
            && !subqueries.contains(line));
  }

  /**
   * A user's events newest first, page by page, read each index in its order and stop at the page's
   * end: sorting would read every event of the user for each page (an account's linked users'
   * events, from several users, are still sorted).
   */
  @org.junit.jupiter.api.Test
  void aUsersEventsAreReadInTheIndexsOrderNotSorted() throws Exception {
    String sql = JdbcLedger.EventsQuery.of(Dialect.SQLITE, 1, new EventFilter(null, "u1", null, null, null), Long.MAX_VALUE, 50).sql();
    assertThat(plan(sql)).noneMatch(line -> line.startsWith("USE TEMP B-TREE"));
  }

  private static List<String> plan(String sql) throws Exception {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement explain = connection.prepareStatement("EXPLAIN QUERY PLAN " + sql);
        ResultSet rows = explain.executeQuery()) {
      while (rows.next()) {
        lines.add(rows.getString(4));
      }
    }
    return lines;
  }
}
