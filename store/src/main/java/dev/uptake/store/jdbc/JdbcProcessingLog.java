package dev.uptake.store.jdbc;

import dev.uptake.core.event.Event;
import dev.uptake.core.event.EventType;
import dev.uptake.store.LogEntry;
import dev.uptake.store.LoggedEvent;
import dev.uptake.store.ProcessingLog;
import dev.uptake.store.UnreadableEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;

/** The events table read in seq order, the processor's batches on its own connections. */
public final class JdbcProcessingLog implements ProcessingLog {

  private final DataSource pool;
  private final DataSource processorPool;

  /**
   * @param pool for the cursor and the lag, which requests read
   * @param processorPool the processor's own, for the batches it reads
   */
  public JdbcProcessingLog(DataSource pool, DataSource processorPool) {
    this.pool = pool;
    this.processorPool = processorPool;
  }

  @Override
  public long cursor() {
    long[] cursor = {0};
    Sql.query(pool, "SELECT seq FROM processing_cursor WHERE id = 1", rows -> cursor[0] = rows.getLong(1));
    return cursor[0];
  }

  @Override
  public long lastSeq() {
    long[] last = {0};
    Sql.query(pool, "SELECT coalesce(max(seq), 0) FROM events", rows -> last[0] = rows.getLong(1));
    return last[0];
  }

  /**
   * Rows fetched at a time. PostgreSQL's driver would otherwise hold the whole result (up to
   * {@code limit} payloads) in memory before the byte bound is applied; it fetches in pieces only
   * inside a transaction.
   */
  private static final int FETCH_SIZE = 1_000;

  @Override
  public List<LogEntry> readAfter(long seq, int limit, long maxBytes) {
    return read(EVENT_COLUMNS + " FROM events WHERE seq > ? ORDER BY seq LIMIT ?", maxBytes, seq, limit);
  }

  @Override
  public List<LogEntry> readWorkspace(long workspaceId, long afterSeq, long throughSeq, int limit, long maxBytes) {
    return read(eventColumns("e") + " FROM events e WHERE e.workspace_id = ? AND e.seq > ? AND e.seq <= ?"
        + " AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.seq = e.seq) ORDER BY e.seq LIMIT ?",
        maxBytes, workspaceId, afterSeq, throughSeq, limit);
  }

  @Override
  public long count(long workspaceId, long throughSeq) {
    long[] count = {0};
    Sql.query(processorPool, "SELECT count(*) FROM events e WHERE e.workspace_id = ? AND e.seq <= ?"
            + " AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.seq = e.seq)",
        rows -> count[0] = rows.getLong(1), workspaceId, throughSeq);
    return count[0];
  }

  /** Entries {@code sql} selects, until their payloads reach {@code maxBytes}. */
  private List<LogEntry> read(String sql, long maxBytes, Object... parameters) {
    List<LogEntry> events = new ArrayList<>();
    try (Connection connection = processorPool.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement read = connection.prepareStatement(sql)) {
        Sql.bind(read, parameters);
        read.setFetchSize(FETCH_SIZE);
        long bytes = 0;
        try (ResultSet rows = read.executeQuery()) {
          while (bytes < maxBytes && rows.next()) {
            LogEntry entry = entry(rows);
            events.add(entry);
            bytes += entry instanceof LoggedEvent event ? event.event().payload().length() : 0;
          }
        }
      } finally {
        connection.rollback(); // a read: nothing to commit
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw Sql.unavailable(e);
    }
    return events;
  }

  @Override
  public List<LogEntry> retries(int limit) {
    List<LogEntry> events = new ArrayList<>();
    Sql.query(processorPool, EVENT_COLUMNS + " FROM events WHERE seq IN"
            + " (SELECT seq FROM quarantine WHERE retry_requested = 1 ORDER BY seq LIMIT ?) ORDER BY seq",
        rows -> events.add(entry(rows)), limit);
    return events;
  }

  @Override
  public Instant receivedAfter(long seq) {
    Instant[] received = {null};
    Sql.query(pool, "SELECT received_at FROM events WHERE seq > ? ORDER BY seq LIMIT 1",
        rows -> received[0] = Instant.ofEpochMilli(rows.getLong(1)), seq);
    return received[0];
  }

  /** The columns {@link #entry} reads, in its order. */
  static final String EVENT_COLUMNS = eventColumns("");

  /** {@link #EVENT_COLUMNS} of the events table named {@code alias} in a join. */
  static String eventColumns(String alias) {
    return eventColumns(alias, alias);
  }

  /**
   * {@link #EVENT_COLUMNS} of the events table named {@code alias} in a join, seq taken from the
   * table named {@code seqFrom}: an index joined on seq, so that ordering by seq reads that index in
   * its order (SQLite does not carry the join's equality into the order, and sorted every row).
   */
  static String eventColumns(String alias, String seqFrom) {
    String prefix = alias.isEmpty() ? "" : alias + ".";
    return "SELECT " + (seqFrom.isEmpty() ? "" : seqFrom + ".") + "seq, " + String.join(", ", Stream.of("workspace_id",
        "message_id", "type", "user_id", "anonymous_id", "group_id", "name", "module", "event_time", "received_at", "payload")
        .map(column -> prefix + column).toList());
  }

  /** The row of the events table selected as {@link #EVENT_COLUMNS}; unreadable when it makes no event. */
  static LogEntry entry(ResultSet rows) throws SQLException {
    long seq = rows.getLong(1);
    long workspaceId = rows.getLong(2);
    String messageId = rows.getString(3);
    String type = rows.getString(4);
    Optional<EventType> known = EventType.fromWire(type);
    if (known.isEmpty()) {
      return new UnreadableEvent(seq, workspaceId, messageId, "the log holds type '" + type + "', which this version of Uptake does not know");
    }
    try {
      Event event = new Event(messageId, known.get(), rows.getString(5), rows.getString(6), rows.getString(7),
          rows.getString(8), rows.getString(9), Instant.ofEpochMilli(rows.getLong(10)),
          Instant.ofEpochMilli(rows.getLong(11)), rows.getString(12));
      return new LoggedEvent(seq, workspaceId, event);
    } catch (RuntimeException e) {
      return new UnreadableEvent(seq, workspaceId, messageId, "the log row does not make an event: " + e);
    }
  }
}
