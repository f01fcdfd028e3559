package dev.uptake.store.sqlite;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import dev.uptake.core.sessions.Session;
import dev.uptake.core.sessions.SessionJson;
import dev.uptake.core.sessions.SessionSource;
import dev.uptake.store.Usage;
import dev.uptake.store.UsageRow;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Sessions and daily usage cells in SQLite. */
final class SqliteUsage implements Usage {

  private static final String CELL_COLUMNS =
      "day, user_id, account_key, module, feature, events, sessions, duration_ms, active_ms";

  /** Users linked to an account (the second parameter pair: workspace, account). */
  private static final String LINKED_USERS = "SELECT user_id FROM users WHERE workspace_id = ? AND account_id = ?";

  private final DataSource pool;
  private final SessionJson sessions;

  SqliteUsage(DataSource pool, ObjectMapper json) {
    this.pool = pool;
    this.sessions = new SessionJson(json);
  }

  @Override
  public SessionSource sessions(long workspaceId) {
    return (key, from, to) -> reached(workspaceId, key, from, to);
  }

  /**
   * Sessions of one key never overlap, so the only one starting before {@code from} that can reach
   * into the span is the latest such; the rest start inside it.
   */
  private List<Session> reached(long workspaceId, String key, long from, long to) {
    List<Session> found = new ArrayList<>();
    Sql.query(
        pool,
        "SELECT session_key, events FROM sessions WHERE workspace_id = ? AND session_key = ? AND start_ms < ?"
            + " AND end_ms >= ? ORDER BY start_ms DESC LIMIT 1",
        rows -> found.add(sessions.read(rows.getString(1), rows.getString(2))),
        workspaceId, key, from, from);
    Sql.query(
        pool,
        "SELECT session_key, events FROM sessions WHERE workspace_id = ? AND session_key = ? AND start_ms >= ?"
            + " AND start_ms <= ? ORDER BY start_ms",
        rows -> found.add(sessions.read(rows.getString(1), rows.getString(2))),
        workspaceId, key, from, to);
    return found;
  }

  @Override
  public List<UsageRow> accountUsage(long workspaceId, String accountId, LocalDate from, LocalDate to) {
    List<UsageRow> rows = new ArrayList<>();
    Sql.query(
        pool,
        "SELECT " + CELL_COLUMNS + " FROM usage_daily WHERE workspace_id = ? AND account_key = ? AND day BETWEEN ? AND ?"
            + " UNION ALL SELECT " + CELL_COLUMNS + " FROM usage_daily WHERE workspace_id = ? AND account_key = ''"
            + " AND day BETWEEN ? AND ? AND user_id IN (" + LINKED_USERS + ")",
        result -> rows.add(row(result)),
        workspaceId, accountId, from.toString(), to.toString(), workspaceId, from.toString(), to.toString(),
        workspaceId, accountId);
    return rows;
  }

  @Override
  public List<UsageRow> userUsage(long workspaceId, String userId, LocalDate from, LocalDate to) {
    List<UsageRow> rows = new ArrayList<>();
    Sql.query(
        pool,
        "SELECT " + CELL_COLUMNS + " FROM usage_daily WHERE workspace_id = ? AND user_id = ? AND day BETWEEN ? AND ?",
        result -> rows.add(row(result)),
        workspaceId, userId, from.toString(), to.toString());
    return rows;
  }

  @Override
  public List<Session> accountSessions(long workspaceId, String accountId, long from, long to, int limit) {
    List<Session> found = new ArrayList<>();
    Sql.query(
        pool,
        "SELECT session_key, events, start_ms FROM sessions WHERE workspace_id = ? AND account_key = ? AND start_ms >= ?"
            + " AND start_ms < ? UNION ALL SELECT session_key, events, start_ms FROM sessions WHERE workspace_id = ?"
            + " AND account_key = '' AND start_ms >= ? AND start_ms < ? AND user_id IN (" + LINKED_USERS + ")"
            + " ORDER BY start_ms DESC LIMIT ?",
        rows -> found.add(sessions.read(rows.getString(1), rows.getString(2))),
        workspaceId, accountId, from, to, workspaceId, from, to, workspaceId, accountId, limit);
    return found;
  }

  @Override
  public List<Session> userSessions(long workspaceId, String userId, long from, long to, int limit) {
    List<Session> found = new ArrayList<>();
    Sql.query(
        pool,
        "SELECT session_key, events FROM sessions WHERE workspace_id = ? AND user_id = ? AND start_ms >= ?"
            + " AND start_ms < ? ORDER BY start_ms DESC LIMIT ?",
        rows -> found.add(sessions.read(rows.getString(1), rows.getString(2))),
        workspaceId, userId, from, to, limit);
    return found;
  }

  private static UsageRow row(ResultSet rows) throws SQLException {
    Cell cell = new Cell(LocalDate.parse(rows.getString(1)), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5));
    return new UsageRow(cell, new Measures(rows.getLong(6), rows.getLong(7), rows.getLong(8), rows.getLong(9)));
  }
}
