package dev.uptake.server.processing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.store.Store;
import dev.uptake.store.fixtures.Backend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything processing derived for a workspace, to compare two runs over the same log: users and
 * accounts (their states as JSON trees, so key order does not matter), session summaries and each
 * user's sessions with their events as the store reads them back (however their pieces were
 * written), usage cells, days of activity, the events API's indexes, warnings, counts and events
 * set aside. Not what a commit's version or time stamps.
 */
final class StateDump {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put("users", "SELECT user_id, account_id, state FROM users WHERE workspace_id = ? ORDER BY user_id");
    TABLES.put("accounts", "SELECT account_id, state FROM accounts WHERE workspace_id = ? ORDER BY account_id");
    TABLES.put("sessions", "SELECT session_key, start_ms, end_ms, user_id, account_key FROM sessions"
        + " WHERE workspace_id = ? ORDER BY session_key, start_ms");
    // Each cell's row in usage_daily plus its row in the recent table: when they moved depends on how the commits fell.
    TABLES.put("usage_daily", "SELECT account_key, day, user_id, module, feature, sum(events), sum(sessions),"
        + " sum(duration_ms), sum(active_ms), sum(measured_ms) FROM (SELECT * FROM usage_daily UNION ALL SELECT * FROM"
        + " usage_daily_recent) c WHERE workspace_id = ? GROUP BY account_key, day, user_id, module, feature"
        + " HAVING sum(events) <> 0 OR sum(sessions) <> 0 OR sum(duration_ms) <> 0 OR sum(active_ms) <> 0"
        + " OR sum(measured_ms) <> 0 ORDER BY account_key, day, user_id, module, feature");
    TABLES.put("activity_daily", "SELECT account_key, user_id, day, events, sessions, active_ms FROM activity_daily"
        + " WHERE workspace_id = ? ORDER BY account_key, user_id, day");
    // Recent rows and moved ones together: when they moved depends on how the commits fell.
    TABLES.put("events_by_user", "SELECT user_id, seq FROM (SELECT * FROM events_by_user UNION ALL SELECT * FROM"
        + " events_by_user_recent) r WHERE workspace_id = ? ORDER BY user_id, seq");
    TABLES.put("events_by_account", "SELECT account_id, seq FROM (SELECT * FROM events_by_account UNION ALL SELECT * FROM"
        + " events_by_account_recent) r WHERE workspace_id = ? ORDER BY account_id, seq");
    TABLES.put("event_warnings", "SELECT seq, warnings FROM event_warnings WHERE workspace_id = ? ORDER BY seq");
    TABLES.put("processing_stats", "SELECT processed, warnings FROM processing_stats WHERE workspace_id = ?");
    TABLES.put("quarantine", "SELECT seq, error FROM quarantine WHERE workspace_id = ? ORDER BY seq");
  }

  private StateDump() {}

  static Map<String, List<List<Object>>> of(Backend backend, Path dir, Store store, long workspaceId) throws SQLException {
    Map<String, List<List<Object>>> dump = new LinkedHashMap<>();
    List<String> userIds = new ArrayList<>();
    try (Connection connection = backend.connect(dir)) {
      for (Map.Entry<String, String> table : TABLES.entrySet()) {
        List<List<Object>> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(table.getValue())) {
          select.setLong(1, workspaceId);
          try (ResultSet found = select.executeQuery()) {
            int columns = found.getMetaData().getColumnCount();
            while (found.next()) {
              List<Object> row = new ArrayList<>();
              for (int c = 1; c <= columns; c++) {
                row.add(value(found, c));
              }
              rows.add(row);
            }
          }
        }
        dump.put(table.getKey(), rows);
      }
    }
    dump.get("users").forEach(row -> userIds.add((String) row.get(0)));
    List<List<Object>> sessions = new ArrayList<>();
    for (String userId : userIds) {
      sessions.add(List.of(userId, store.usage().userSessions(workspaceId, userId, 0, Long.MAX_VALUE, 100_000).toString()));
    }
    dump.put("sessions as read", sessions);
    return dump;
  }

  /** Numbers as longs (the stores' drivers differ in their types), JSON as trees, text as text. */
  private static Object value(ResultSet rows, int column) throws SQLException {
    Object value = rows.getObject(column);
    if (value instanceof Number number) {
      return number.longValue();
    }
    if (value instanceof String text && (text.startsWith("{") || text.startsWith("["))) {
      try {
        return JSON.readTree(text);
      } catch (java.io.IOException e) {
        return text;
      }
    }
    return value == null ? null : value.toString();
  }
}
