package dev.uptake.store.postgres;

import dev.uptake.core.event.Event;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.store.jdbc.WarningsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Events for the events table, gathered as columns and inserted by one statement (arrays unnested
 * server-side): one round trip however many events.
 */
final class EventRows {

  private static final String INSERT =
      "INSERT INTO events (seq, workspace_id, message_id, type, user_id, anonymous_id, group_id, name, module, event_time,"
          + " received_at, warnings, payload) SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[],"
          + " ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])";
  private static final String[] TYPES =
      {"bigint", "bigint", "text", "text", "text", "text", "text", "text", "text", "bigint", "bigint", "text", "text"};

  private final List<List<Object>> columns = new ArrayList<>();

  EventRows() {
    for (int i = 0; i < TYPES.length; i++) {
      columns.add(new ArrayList<>());
    }
  }

  void add(long seq, long workspaceId, Outcome.Accepted accepted) {
    Event event = accepted.event();
    Object[] row = {seq, workspaceId, event.messageId(), event.type().wireName(), event.userId(), event.anonymousId(),
        event.groupId(), event.name(), event.module(), event.eventTime().toEpochMilli(), event.receivedAt().toEpochMilli(),
        WarningsJson.write(accepted.warnings()), event.payload()};
    for (int i = 0; i < row.length; i++) {
      columns.get(i).add(row[i]);
    }
  }

  int size() {
    return columns.get(0).size();
  }

  /** Inserts every row; an event whose messageId the workspace has fails the insert. */
  void insert(Connection connection) throws SQLException {
    execute(connection, INSERT);
  }

  /** Inserts the rows whose messageId the workspace lacks; returns how many. */
  int insertNew(Connection connection) throws SQLException {
    return execute(connection, INSERT + " ON CONFLICT (workspace_id, message_id) DO NOTHING");
  }

  private int execute(Connection connection, String sql) throws SQLException {
    if (size() == 0) {
      return 0;
    }
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      for (int i = 0; i < TYPES.length; i++) {
        insert.setArray(i + 1, connection.createArrayOf(TYPES[i], columns.get(i).toArray()));
      }
      return insert.executeUpdate();
    }
  }
}
