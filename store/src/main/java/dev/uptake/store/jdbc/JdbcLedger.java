package dev.uptake.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.store.DebugEntry;
import dev.uptake.store.EventFilter;
import dev.uptake.store.IngestLedger;
import dev.uptake.store.LogEntry;
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
public final class JdbcLedger implements IngestLedger {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<DebugEntry.Reason>> REASONS = new TypeReference<>() {};

  private final DataSource pool;
  private final Dialect dialect;
  private final String warnedEvents;

  public JdbcLedger(DataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
    this.warnedEvents = warnedEvents(dialect);
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

  private static final String DEBUG_COLUMNS =
      "SELECT e.message_id, e.type, e.received_at, e.event_time, e.warnings, w.warnings, e.payload, q.error FROM ";
  static final String LATEST_EVENTS = DEBUG_COLUMNS + "events e LEFT JOIN event_warnings w ON w.seq = e.seq"
      + " LEFT JOIN quarantine q ON q.seq = e.seq WHERE e.workspace_id = ? ORDER BY e.seq DESC LIMIT ?";
  public static final String FAILED_EVENTS = DEBUG_COLUMNS + "quarantine q JOIN events e ON e.seq = q.seq"
      + " LEFT JOIN event_warnings w ON w.seq = e.seq WHERE q.workspace_id = ? ORDER BY q.seq DESC LIMIT ?";
  /** The newest events with ingest's or processing's warnings, each found by its own index, never the whole log. */
  public static String warnedEvents(Dialect dialect) {
    return DEBUG_COLUMNS + "events e LEFT JOIN event_warnings w ON w.seq = e.seq"
        + " LEFT JOIN quarantine q ON q.seq = e.seq WHERE e.seq IN ("
        + "SELECT seq FROM (SELECT seq FROM events" + dialect.indexedBy("events_with_warnings") + " WHERE workspace_id = ?"
        + " AND warnings IS NOT NULL ORDER BY seq DESC LIMIT ?) AS ingest UNION SELECT seq FROM (SELECT seq FROM"
        + " event_warnings" + dialect.indexedBy("event_warnings_by_workspace") + " WHERE workspace_id = ?"
        + " ORDER BY seq DESC LIMIT ?) AS processing) ORDER BY e.seq DESC LIMIT ?";
  }

  @Override
  public List<DebugEntry> latest(long workspaceId, DebugEntry.Filter filter, int limit) {
    List<DebugEntry> entries = new ArrayList<>();
    if (filter != DebugEntry.Filter.REJECTED) {
      String sql = switch (filter) {
        case FAILED -> FAILED_EVENTS;
        case WARNING -> warnedEvents;
        default -> LATEST_EVENTS;
      };
      Object[] parameters = filter == DebugEntry.Filter.WARNING
          ? new Object[] {workspaceId, limit, workspaceId, limit, limit}
          : new Object[] {workspaceId, limit};
      Sql.query(pool, sql, rows -> entries.add(accepted(rows)), parameters);
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
  public boolean receivedBetween(long workspaceId, Instant from, Instant to) {
    // Binary search on seq for the first event received at or after `from`, each probe one index lookup.
    long[] bounds = {Long.MAX_VALUE, Long.MIN_VALUE};
    Sql.query(pool, "SELECT min(seq), max(seq) FROM events WHERE workspace_id = ?", rows -> {
      bounds[0] = rows.getLong(1);
      bounds[1] = rows.wasNull() ? Long.MIN_VALUE : rows.getLong(2);
    }, workspaceId);
    long low = bounds[0];
    long high = bounds[1];
    Long found = null;
    while (low <= high) {
      long middle = low + (high - low) / 2;
      long[] event = firstFrom(workspaceId, middle);
      if (event == null || event[0] > high) {
        high = middle - 1;
      } else if (event[1] >= from.toEpochMilli()) {
        found = event[1];
        high = middle - 1;
      } else {
        low = event[0] + 1;
      }
    }
    return found != null && found < to.toEpochMilli();
  }

  /** The workspace's first event at or after {@code seq}: its seq and receipt time, or null. */
  private long[] firstFrom(long workspaceId, long seq) {
    long[][] event = {null};
    Sql.query(pool, "SELECT seq, received_at FROM events WHERE workspace_id = ? AND seq >= ? ORDER BY seq LIMIT 1",
        rows -> event[0] = new long[] {rows.getLong(1), rows.getLong(2)}, workspaceId, seq);
    return event[0];
  }

  @Override
  public List<LoggedEvent> events(long workspaceId, EventFilter filter, long beforeSeq, int limit) {
    List<LoggedEvent> events = new ArrayList<>();
    forEachEvent(workspaceId, filter, beforeSeq, limit, events::add);
    return events;
  }

  /** Events an export reads per query: each chunk is a short read, so a slow download holds no connection. */
  static final int CHUNK = 1_000;

  @Override
  public void forEachEvent(long workspaceId, EventFilter filter, long beforeSeq, long limit, Consumer<LoggedEvent> sink) {
    long before = beforeSeq;
    for (long remaining = limit; remaining > 0; ) {
      int chunk = (int) Math.min(CHUNK, remaining);
      List<LogEntry> read = new ArrayList<>(chunk);
      EventsQuery query = EventsQuery.of(dialect, workspaceId, filter, before, chunk);
      Sql.query(pool, query.sql(), rows -> read.add(JdbcProcessingLog.entry(rows)), query.parameters().toArray());
      for (LogEntry entry : read) {
        if (entry instanceof LoggedEvent event) {
          sink.accept(event); // a row this version cannot read is left out here; the debugger shows it as failed
        }
      }
      if (read.size() < chunk) {
        return;
      }
      before = read.get(read.size() - 1).seq();
      remaining -= read.size();
    }
  }

  /**
   * The newest events matching a filter, never by scanning the log: by user or by account through
   * the indexes processing writes for the events it has passed (events_by_user, events_by_account,
   * each with its recent rows),
   * plus the log's unprocessed tail (events_by_workspace after the cursor: as long as processing
   * lags); with neither, the workspace's log (events_by_workspace).
   */
  public record EventsQuery(String sql, List<Object> parameters) {

    private static final String CURSOR = "(SELECT seq FROM processing_cursor WHERE id = 1)";

    public static EventsQuery of(Dialect dialect, long workspaceId, EventFilter filter, long beforeSeq, int limit) {
      String linkedUsers = "SELECT user_id FROM users" + dialect.indexedBy("users_by_account")
          + " WHERE workspace_id = ? AND account_id = ?";
      String byWorkspace = " FROM events" + dialect.indexedBy("events_by_workspace");
      List<Object> parameters = new ArrayList<>();
      StringBuilder sql = new StringBuilder();
      if (filter.userId() != null) {
        indexed(sql, parameters, "events_by_user", "r.user_id = ?", List.of(filter.userId()), workspaceId, beforeSeq, filter);
        sql.append(" UNION ALL ");
        tail(sql, parameters, byWorkspace, "user_id = ?", List.of(filter.userId()), workspaceId, beforeSeq, filter);
      } else if (filter.accountId() != null) {
        indexed(sql, parameters, "events_by_account", "r.account_id = ?", List.of(filter.accountId()), workspaceId,
            beforeSeq, filter);
        sql.append(" UNION ALL ");
        indexed(sql, parameters, "events_by_user", "e.group_id IS NULL AND r.user_id IN (" + linkedUsers + ")",
            List.of(workspaceId, filter.accountId()), workspaceId, beforeSeq, filter);
        sql.append(" UNION ALL ");
        tail(sql, parameters, byWorkspace, "(group_id = ? OR (group_id IS NULL AND user_id IN (" + linkedUsers + ")))",
            List.of(filter.accountId(), workspaceId, filter.accountId()), workspaceId, beforeSeq, filter);
      } else {
        sql.append(JdbcProcessingLog.EVENT_COLUMNS)
            .append(byWorkspace).append(" WHERE workspace_id = ? AND seq < ?");
        parameters.addAll(List.of(workspaceId, beforeSeq));
        filters(sql, parameters, "", filter);
      }
      parameters.add(limit);
      return new EventsQuery(sql.append(" ORDER BY seq DESC LIMIT ?").toString(), parameters);
    }

    /**
     * The events an index of processing lists (up to the cursor), joined to the log for their
     * columns: from its recent rows and from those moved into its big table ({@link EventIndexes}).
     */
    private static void indexed(
        StringBuilder sql, List<Object> parameters, String index, String condition, List<Object> values,
        long workspaceId, long beforeSeq, EventFilter filter) {
      indexedIn(sql, parameters, index + "_recent", condition, values, workspaceId, beforeSeq, filter);
      sql.append(" UNION ALL ");
      indexedIn(sql, parameters, index, condition, values, workspaceId, beforeSeq, filter);
    }

    private static void indexedIn(
        StringBuilder sql, List<Object> parameters, String index, String condition, List<Object> values,
        long workspaceId, long beforeSeq, EventFilter filter) {
      sql.append(JdbcProcessingLog.eventColumns("e", "r"))
          .append(" FROM ").append(index).append(" r JOIN events e ON e.seq = r.seq WHERE r.workspace_id = ? AND ")
          .append(condition).append(" AND r.seq < ?");
      parameters.add(workspaceId);
      parameters.addAll(values);
      parameters.add(beforeSeq);
      filters(sql, parameters, "e.", filter);
    }

    /** The events after the cursor, which processing has not indexed yet. */
    private static void tail(
        StringBuilder sql, List<Object> parameters, String byWorkspace, String condition, List<Object> values, long workspaceId,
        long beforeSeq, EventFilter filter) {
      sql.append(JdbcProcessingLog.EVENT_COLUMNS).append(byWorkspace)
          .append(" WHERE workspace_id = ? AND seq > ").append(CURSOR).append(" AND seq < ? AND ").append(condition);
      parameters.addAll(List.of(workspaceId, beforeSeq));
      parameters.addAll(values);
      filters(sql, parameters, "", filter);
    }

    private static void filters(StringBuilder sql, List<Object> parameters, String alias, EventFilter filter) {
      if (filter.type() != null) {
        sql.append(" AND ").append(alias).append("type = ?");
        parameters.add(filter.type().wireName());
      }
      if (filter.from() != null) {
        sql.append(" AND ").append(alias).append("event_time >= ?");
        parameters.add(filter.from().toEpochMilli());
      }
      if (filter.to() != null) {
        sql.append(" AND ").append(alias).append("event_time < ?");
        parameters.add(filter.to().toEpochMilli());
      }
    }
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
