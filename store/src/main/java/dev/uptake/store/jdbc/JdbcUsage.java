package dev.uptake.store.jdbc;

import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionJson;
import dev.uptake.core.sessions.SessionMerge;
import dev.uptake.core.sessions.SessionSource;
import dev.uptake.core.rollups.DayActivity;
import dev.uptake.store.Usage;
import dev.uptake.store.UsageRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Sessions and daily usage cells. */
public final class JdbcUsage implements Usage {

  private static final String CELL_COLUMNS =
      "day, user_id, account_key, module, feature, events, sessions, duration_ms, active_ms, measured_ms";

  /**
   * The hot queries. On SQLite they name the index they need (INDEXED BY) or keep a term from an
   * index that would read far more ({@code +day}): without statistics SQLite scanned every
   * account-less row or 60 days of every account for one account's page (HotQueryPlansTest checks
   * each plan). PostgreSQL plans them itself.
   */
  public record HotSql(
      String accountUsage, String userUsage, String accountSessions, String userSessions, String activityOfAccounts,
      String activityOfUsers) {

    public static HotSql of(Dialect dialect) {
      String linkedUsers = "SELECT user_id FROM users" + dialect.indexedBy("users_by_account")
          + " WHERE workspace_id = ? AND account_id = ?";
      String sessionsByUser = dialect.indexedBy("sessions_by_user");
      // By the primary key (workspace, account key, user, day): the day index would read every account's days.
      String days = " AND " + dialect.unindexed("day") + " BETWEEN ? AND ? AND ";
      return new HotSql(
          accountCells(dialect, "usage_daily", "usage_by_user", linkedUsers) + " UNION ALL "
              + accountCells(dialect, "usage_daily_recent", "usage_recent_by_user", linkedUsers),
          userCells(dialect, "usage_daily", "usage_by_user") + " UNION ALL "
              + userCells(dialect, "usage_daily_recent", "usage_recent_by_user"),
          newestFirst("SELECT session_key, start_ms, last_piece FROM sessions" + dialect.indexedBy("sessions_by_account")
              + " WHERE workspace_id = ? AND account_key = ? AND start_ms >= ? AND start_ms < ? UNION ALL SELECT session_key,"
              + " start_ms, last_piece FROM sessions" + sessionsByUser + " WHERE workspace_id = ? AND account_key = ''"
              + " AND start_ms >= ? AND start_ms < ? AND user_id IN (" + linkedUsers + ") ORDER BY start_ms DESC LIMIT ?"),
          newestFirst("SELECT session_key, start_ms, last_piece FROM sessions" + sessionsByUser
              + " WHERE workspace_id = ? AND user_id = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms DESC LIMIT ?"),
          ACTIVITY + " WHERE workspace_id = ?" + days + "account_key IN ",
          ACTIVITY + " WHERE workspace_id = ? AND account_key = ''" + days + "user_id IN ");
    }

    /** An account's cells in one of the two cells tables ({@link UsageCells}): its own, and its linked users' account-less ones. */
    private static String accountCells(Dialect dialect, String table, String byUser, String linkedUsers) {
      return "SELECT " + CELL_COLUMNS + " FROM " + table + " WHERE workspace_id = ? AND account_key = ? AND day BETWEEN ? AND ?"
          + " UNION ALL SELECT " + CELL_COLUMNS + " FROM " + table + dialect.indexedBy(byUser) + " WHERE workspace_id = ?"
          + " AND account_key = '' AND day BETWEEN ? AND ? AND user_id IN (" + linkedUsers + ")";
    }

    private static String userCells(Dialect dialect, String table, String byUser) {
      return "SELECT " + CELL_COLUMNS + " FROM " + table + dialect.indexedBy(byUser) + " WHERE workspace_id = ? AND user_id = ?"
          + " AND day BETWEEN ? AND ?";
    }

    /** The sessions {@code summaries} selects with their events, one row per piece, newest session first. */
    private static String newestFirst(String summaries) {
      return SessionRows.withEvents(summaries) + " ORDER BY start_ms DESC, session_key";
    }
  }

  private final DataSource pool;
  private final SessionJson sessions;
  private final HotSql sql;
  private final Dialect dialect;

  /** @param sessions reads stored sessions: {@link SessionJson#sharingNames} for the processor, which caches them */
  public JdbcUsage(DataSource pool, SessionJson sessions, Dialect dialect) {
    this.pool = pool;
    this.sessions = sessions;
    this.sql = HotSql.of(dialect);
    this.dialect = dialect;
  }

  @Override
  public SessionSource sessions(long workspaceId) {
    return reaches -> reaches.isEmpty() ? Map.of()
        : dialect == Dialect.POSTGRESQL ? reachedAtOnce(workspaceId, reaches) : reached(workspaceId, reaches);
  }

  /**
   * What {@link #reached} finds, in one query for every key of the batch: over a network, a
   * round trip per key (thousands per batch) costs more than the rest of processing.
   */
  private static final String REACHED_AT_ONCE = SessionRows.withEvents(
      "WITH r AS (SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[]) AS r (session_key, from_ms, to_ms))"
          + " SELECT r.session_key, s.start_ms, s.last_piece FROM r CROSS JOIN LATERAL (SELECT start_ms, end_ms, last_piece"
          + " FROM sessions WHERE workspace_id = ? AND session_key = r.session_key AND start_ms < r.from_ms"
          + " ORDER BY start_ms DESC LIMIT 1) s WHERE s.end_ms >= r.from_ms"
          + " UNION ALL SELECT s.session_key, s.start_ms, s.last_piece FROM r JOIN sessions s ON s.workspace_id = ?"
          + " AND s.session_key = r.session_key AND s.start_ms >= r.from_ms AND s.start_ms <= r.to_ms");

  private Map<String, List<Session>> reachedAtOnce(long workspaceId, Map<String, SessionMerge.Reach> reaches) {
    List<String> keys = new ArrayList<>(reaches.keySet());
    SessionRows.Pieces pieces = new SessionRows.Pieces();
    try (Connection connection = pool.getConnection();
        PreparedStatement query = connection.prepareStatement(REACHED_AT_ONCE)) {
      query.setArray(1, connection.createArrayOf("text", keys.toArray()));
      query.setArray(2, connection.createArrayOf("bigint", keys.stream().map(key -> reaches.get(key).fromMillis()).toArray()));
      query.setArray(3, connection.createArrayOf("bigint", keys.stream().map(key -> reaches.get(key).toMillis()).toArray()));
      query.setLong(4, workspaceId);
      query.setLong(5, workspaceId);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          pieces.add(rows);
        }
      }
    } catch (SQLException e) {
      throw Sql.unavailable(e);
    }
    Map<String, List<Session>> found = new HashMap<>();
    for (Session session : pieces.sessions(sessions)) {
      found.computeIfAbsent(session.sessionKey(), key -> new ArrayList<>()).add(session);
    }
    found.values().forEach(JdbcUsage::byStart);
    return found;
  }

  /**
   * The stored sessions of one key that a reach touches. Sessions of one key never overlap, so the
   * only one starting before the reach that can extend into it is the latest such; the rest start
   * inside it. Both parts read by the primary key (HotQueryPlansTest).
   */
  public static final String REACHED = SessionRows.withEvents(
      "SELECT session_key, start_ms, last_piece FROM (SELECT session_key, start_ms, end_ms, last_piece FROM sessions"
          + " WHERE workspace_id = ? AND session_key = ? AND start_ms < ? ORDER BY start_ms DESC LIMIT 1) WHERE end_ms >= ?"
          + " UNION ALL SELECT session_key, start_ms, last_piece FROM sessions WHERE workspace_id = ? AND session_key = ?"
          + " AND start_ms >= ? AND start_ms <= ?");

  /** One connection and one prepared statement serve every key of the batch. */
  private Map<String, List<Session>> reached(long workspaceId, Map<String, SessionMerge.Reach> reaches) {
    Map<String, List<Session>> found = new HashMap<>();
    try (Connection connection = pool.getConnection();
        PreparedStatement query = connection.prepareStatement(REACHED)) {
      for (Map.Entry<String, SessionMerge.Reach> entry : reaches.entrySet()) {
        String key = entry.getKey();
        SessionMerge.Reach reach = entry.getValue();
        query.setLong(1, workspaceId);
        query.setString(2, key);
        query.setLong(3, reach.fromMillis());
        query.setLong(4, reach.fromMillis());
        query.setLong(5, workspaceId);
        query.setString(6, key);
        query.setLong(7, reach.fromMillis());
        query.setLong(8, reach.toMillis());
        SessionRows.Pieces pieces = new SessionRows.Pieces();
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            pieces.add(rows);
          }
        }
        List<Session> sessionsOfKey = pieces.sessions(sessions);
        if (!sessionsOfKey.isEmpty()) {
          found.put(key, byStart(sessionsOfKey));
        }
      }
    } catch (SQLException e) {
      throw Sql.unavailable(e);
    }
    return found;
  }

  private static List<Session> byStart(List<Session> sessions) {
    sessions.sort(Comparator.comparingLong(Session::startMillis));
    return sessions;
  }

  /** Account and user usage read both cells tables, each with the same parameters ({@link UsageCells}). */
  @Override
  public List<UsageRow> accountUsage(long workspaceId, String accountId, LocalDate from, LocalDate to) {
    List<Object> ofOneTable = List.of(workspaceId, accountId, from.toString(), to.toString(), workspaceId, from.toString(),
        to.toString(), workspaceId, accountId);
    return cells(sql.accountUsage(), ofOneTable);
  }

  @Override
  public List<UsageRow> userUsage(long workspaceId, String userId, LocalDate from, LocalDate to) {
    return cells(sql.userUsage(), List.of(workspaceId, userId, from.toString(), to.toString()));
  }

  private List<UsageRow> cells(String sqlOfBothTables, List<Object> ofOneTable) {
    List<Object> parameters = new ArrayList<>(ofOneTable);
    parameters.addAll(ofOneTable);
    List<UsageRow> rows = new ArrayList<>();
    Sql.query(pool, sqlOfBothTables, result -> rows.add(row(result)), parameters.toArray());
    return UsageCells.merged(rows);
  }

  @Override
  public List<Session> accountSessions(long workspaceId, String accountId, long from, long to, int limit) {
    return withPieces(
        sql.accountSessions(),
        workspaceId, accountId, from, to, workspaceId, from, to, workspaceId, accountId, limit);
  }

  @Override
  public List<Session> userSessions(long workspaceId, String userId, long from, long to, int limit) {
    return withPieces(
        sql.userSessions(),
        workspaceId, userId, from, to, limit);
  }

  /** The sessions a {@link HotSql} sessions query selects, newest first, with their events. */
  private List<Session> withPieces(String sql, Object... parameters) {
    SessionRows.Pieces pieces = new SessionRows.Pieces();
    Sql.query(pool, sql, pieces::add, parameters);
    return pieces.sessions(sessions);
  }

  @Override
  public List<UsageRow> cellsOf(
      long workspaceId, Collection<String> modules, Collection<String> features, LocalDate from, LocalDate to) {
    List<UsageRow> rows = new ArrayList<>();
    if (modules.isEmpty() && features.isEmpty()) {
      return rows;
    }
    List<Object> parameters = new ArrayList<>(List.of(workspaceId, from.toString(), to.toString()));
    List<String> terms = new ArrayList<>();
    if (!modules.isEmpty()) {
      terms.add("module IN (" + "?,".repeat(modules.size() - 1) + "?)");
      parameters.addAll(modules);
    }
    if (!features.isEmpty()) {
      terms.add("feature IN (" + "?,".repeat(features.size() - 1) + "?)");
      parameters.addAll(features);
    }
    String ofTable = " WHERE workspace_id = ? AND day BETWEEN ? AND ? AND (" + String.join(" OR ", terms) + ")";
    parameters.addAll(List.copyOf(parameters));
    Sql.query(pool, "SELECT " + CELL_COLUMNS + " FROM usage_daily" + ofTable + " UNION ALL SELECT " + CELL_COLUMNS
        + " FROM usage_daily_recent" + ofTable, result -> rows.add(row(result)), parameters.toArray());
    return UsageCells.merged(rows);
  }

  private static final String ACTIVITY = "SELECT account_key, user_id, day, events, sessions, active_ms FROM activity_daily";

  @Override
  public List<DayActivity> activity(long workspaceId, LocalDate from, LocalDate to) {
    List<DayActivity> rows = new ArrayList<>();
    Sql.query(pool, ACTIVITY + " WHERE workspace_id = ? AND day BETWEEN ? AND ?", result -> rows.add(dayActivity(result)),
        workspaceId, from.toString(), to.toString());
    return rows;
  }

  @Override
  public List<DayActivity> activity(
      long workspaceId, Collection<String> accountKeys, Collection<String> accountlessUsers, LocalDate from, LocalDate to) {
    List<DayActivity> rows = new ArrayList<>();
    Sql.queryIn(pool, sql.activityOfAccounts(), accountKeys,
        result -> rows.add(dayActivity(result)), workspaceId, from.toString(), to.toString());
    Sql.queryIn(pool, sql.activityOfUsers(),
        accountlessUsers, result -> rows.add(dayActivity(result)), workspaceId, from.toString(), to.toString());
    return rows;
  }

  @Override
  public List<DayActivity> activityChanged(long workspaceId, long afterVersion, long upToVersion, LocalDate before) {
    List<DayActivity> rows = new ArrayList<>();
    Sql.query(pool, ACTIVITY + " WHERE workspace_id = ? AND updated_version > ? AND updated_version <= ? AND day < ?",
        result -> rows.add(dayActivity(result)), workspaceId, afterVersion, upToVersion, before.toString());
    return rows;
  }

  private static DayActivity dayActivity(ResultSet rows) throws SQLException {
    return new DayActivity(rows.getString(1), rows.getString(2), LocalDate.parse(rows.getString(3)), rows.getLong(4),
        rows.getLong(5), rows.getLong(6));
  }

  private static UsageRow row(ResultSet rows) throws SQLException {
    Cell cell = new Cell(LocalDate.parse(rows.getString(1)), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5));
    return new UsageRow(cell, new Measures(rows.getLong(6), rows.getLong(7), rows.getLong(8), rows.getLong(9),
        rows.getLong(10)));
  }
}
