package dev.uptake.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.store.DebugEntry;
import dev.uptake.store.EventFilter;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.LoggedEvent;
import dev.uptake.store.IngestStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/** Stats and debugger reads over the pool; they never wait for the event log's writer. */
final class SqliteLedger implements IngestLedger {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<DebugEntry.Reason>> REASONS = new TypeReference<>() {};

  private final DataSource pool;

  SqliteLedger(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public IngestStats stats(long workspaceId) {
    List<IngestStats> found = new ArrayList<>();
    Sql.query(
        pool,
        "SELECT i.received, i.accepted, i.rejected, i.duplicates, i.warnings + coalesce(p.warnings, 0),"
            + " coalesce(p.processed, 0), (SELECT count(*) FROM quarantine q WHERE q.workspace_id = i.workspace_id),"
            + " i.last_event_at FROM ingest_stats i"
            + " LEFT JOIN processing_stats p ON p.workspace_id = i.workspace_id WHERE i.workspace_id = ?",
        rows ->
            found.add(
                new IngestStats(
                    rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4),
                    rows.getLong(5), rows.getLong(6), rows.getLong(7), instantOrNull(rows, 8))),
        workspaceId);
    return found.isEmpty() ? new IngestStats(0, 0, 0, 0, 0, 0, 0, null) : found.get(0);
  }

  @Override
  public List<DebugEntry> latest(long workspaceId, DebugEntry.Filter filter, int limit) {
    List<DebugEntry> entries = new ArrayList<>();
    if (filter != DebugEntry.Filter.REJECTED) {
      String columns = "SELECT e.message_id, e.type, e.received_at, e.event_time, e.warnings, w.warnings, e.payload,"
          + " q.error FROM ";
      String sql = filter == DebugEntry.Filter.FAILED
          ? columns + "quarantine q JOIN events e ON e.seq = q.seq LEFT JOIN event_warnings w ON w.seq = e.seq"
              + " WHERE q.workspace_id = ? ORDER BY q.seq DESC LIMIT ?"
          : columns + "events e LEFT JOIN event_warnings w ON w.seq = e.seq LEFT JOIN quarantine q ON q.seq = e.seq"
              + " WHERE e.workspace_id = ?"
              + (filter == DebugEntry.Filter.WARNING ? " AND (e.warnings IS NOT NULL OR w.warnings IS NOT NULL)" : "")
              + " ORDER BY e.seq DESC LIMIT ?";
      Sql.query(pool, sql, rows -> entries.add(accepted(rows)), workspaceId, limit);
    }
    if (filter == DebugEntry.Filter.ALL || filter == DebugEntry.Filter.REJECTED) {
      Sql.query(
          pool,
          "SELECT message_id, received_at, item_index, field, reason, payload FROM rejections"
              + " WHERE workspace_id = ? ORDER BY id DESC LIMIT ?",
          rows -> entries.add(rejected(rows)),
          workspaceId, limit);
    }
    // Stable sort: within one receive time, each source keeps its newest-first order.
    entries.sort(Comparator.comparing(DebugEntry::receivedAt).reversed());
    return entries.size() > limit ? List.copyOf(entries.subList(0, limit)) : entries;
  }

  /** Reads back from the newest event and stops at the first one received before {@code since}. */
  @Override
  public long receivedSince(long workspaceId, Instant since, long cap) {
    long count = 0;
    try (Connection connection = pool.getConnection();
        PreparedStatement newest = connection.prepareStatement(
            "SELECT received_at FROM events WHERE workspace_id = ? ORDER BY seq DESC LIMIT ?")) {
      newest.setLong(1, workspaceId);
      newest.setLong(2, cap);
      try (ResultSet rows = newest.executeQuery()) {
        while (rows.next() && rows.getLong(1) >= since.toEpochMilli()) {
          count++;
        }
      }
    } catch (SQLException e) {
      throw Sql.unavailable(e);
    }
    return count;
  }

  @Override
  public List<LoggedEvent> events(long workspaceId, EventFilter filter, long beforeSeq, int limit) {
    List<LoggedEvent> events = new ArrayList<>();
    forEachEvent(workspaceId, filter, beforeSeq, limit, events::add);
    return events;
  }

  @Override
  public void forEachEvent(long workspaceId, EventFilter filter, long beforeSeq, long limit, Consumer<LoggedEvent> sink) {
    StringBuilder sql =
        new StringBuilder(SqliteProcessingLog.EVENT_COLUMNS + " FROM events WHERE workspace_id = ? AND seq < ?");
    List<Object> parameters = new ArrayList<>(List.of(workspaceId, beforeSeq));
    if (filter.accountId() != null) {
      sql.append(" AND (group_id = ? OR (group_id IS NULL AND user_id IN"
          + " (SELECT user_id FROM users WHERE workspace_id = ? AND account_id = ?)))");
      parameters.addAll(List.of(filter.accountId(), workspaceId, filter.accountId()));
    }
    if (filter.userId() != null) {
      sql.append(" AND user_id = ?");
      parameters.add(filter.userId());
    }
    if (filter.type() != null) {
      sql.append(" AND type = ?");
      parameters.add(filter.type().wireName());
    }
    if (filter.from() != null) {
      sql.append(" AND event_time >= ?");
      parameters.add(filter.from().toEpochMilli());
    }
    if (filter.to() != null) {
      sql.append(" AND event_time < ?");
      parameters.add(filter.to().toEpochMilli());
    }
    sql.append(" ORDER BY seq DESC LIMIT ?");
    parameters.add(limit);
    // A row this version cannot read is left out here; the debugger shows it as failed.
    Sql.query(pool, sql.toString(), rows -> {
      if (SqliteProcessingLog.entry(rows) instanceof LoggedEvent event) {
        sink.accept(event);
      }
    }, parameters.toArray());
  }

  private static DebugEntry accepted(ResultSet rows) throws SQLException {
    List<DebugEntry.Reason> reasons = new ArrayList<>(reasons(rows.getString(5)));
    reasons.addAll(reasons(rows.getString(6)));
    String error = rows.getString(8);
    if (error != null) {
      reasons.add(0, new DebugEntry.Reason("processing", error));
    }
    return new DebugEntry(
        error != null ? "failed" : reasons.isEmpty() ? "accepted" : "warning",
        rows.getString(1),
        rows.getString(2),
        Instant.ofEpochMilli(rows.getLong(3)),
        Instant.ofEpochMilli(rows.getLong(4)),
        null,
        reasons,
        rows.getString(7));
  }

  private static DebugEntry rejected(ResultSet rows) throws SQLException {
    return new DebugEntry(
        "rejected",
        rows.getString(1),
        null,
        Instant.ofEpochMilli(rows.getLong(2)),
        null,
        rows.getInt(3),
        List.of(new DebugEntry.Reason(rows.getString(4), rows.getString(5))),
        rows.getString(6));
  }

  /** Ingest's or processing's warnings about an event; none when {@code json} is null. */
  private static List<DebugEntry.Reason> reasons(String json) {
    if (json == null) {
      return List.of();
    }
    try {
      return JSON.readValue(json, REASONS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the store holds warnings it wrote itself", e);
    }
  }

  private static Instant instantOrNull(ResultSet rows, int column) throws SQLException {
    long millis = rows.getLong(column);
    return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
