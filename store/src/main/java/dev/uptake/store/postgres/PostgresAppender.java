package dev.uptake.store.postgres;

import dev.uptake.core.event.Event;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.store.Appended;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.jdbc.WarningsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Writes a group of batches to the events table in one transaction, for the event log's writer
 * thread: one query finds which messageIds the log already has, one statement inserts the rest
 * (arrays unnested server-side), numbered on from the log's last seq.
 *
 * <p>The transaction first takes {@link #APPEND_LOCK}: appends of every process take turns, so the
 * lookup cannot race another append, seqs have no gaps, every smaller seq is committed before a
 * larger one is drawn, and a reader that has seen seq n never sees a smaller one appear later.
 * The lock is held for two statements and a commit; group commit makes that one per group, not
 * per request.
 */
final class PostgresAppender {

  /** The advisory lock appends take turns on (any number unlikely to clash with an application's). */
  static final long APPEND_LOCK = 0x75707461_6b650001L;
  /** Rejections kept per workspace for the debugger; older ones are deleted. */
  static final int REJECTIONS_KEPT = 10_000;

  private static final String INSERT_EVENTS =
      "INSERT INTO events (seq, workspace_id, message_id, type, user_id, anonymous_id, group_id, name, module, event_time,"
          + " received_at, warnings, payload) SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[],"
          + " ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])";
  /** Which of the group's messageIds the log has: one probe of the unique index each. */
  private static final String KNOWN = "SELECT e.workspace_id, e.message_id FROM events e JOIN unnest(?::bigint[], ?::text[])"
      + " AS i (workspace_id, message_id) ON e.workspace_id = i.workspace_id AND e.message_id = i.message_id";
  private static final String INSERT_REJECTION =
      "INSERT INTO rejections (workspace_id, received_at, item_index, message_id, field, reason, payload)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String ADD_STATS =
      "INSERT INTO ingest_stats AS s (workspace_id, received, accepted, rejected, duplicates, warnings, last_event_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id) DO UPDATE SET received = s.received + excluded.received,"
          + " accepted = s.accepted + excluded.accepted, rejected = s.rejected + excluded.rejected,"
          + " duplicates = s.duplicates + excluded.duplicates, warnings = s.warnings + excluded.warnings,"
          + " last_event_at = greatest(s.last_event_at, excluded.last_event_at)";
  private static final String PRUNE_REJECTIONS =
      "DELETE FROM rejections WHERE workspace_id = ? AND id <= (SELECT id FROM rejections WHERE workspace_id = ?"
          + " ORDER BY id DESC LIMIT 1 OFFSET " + REJECTIONS_KEPT + ")";

  private final DataSource source;
  private final Map<Long, Integer> rejectionsSincePrune = new HashMap<>();

  /** @param source the log writer's own connections (a pool of one, which replaces a broken one) */
  PostgresAppender(DataSource source) {
    this.source = source;
  }

  /** Writes and commits all batches; one receipt per batch, in order. Rolls back on failure. */
  List<Appended> write(List<IngestBatch> batches) throws SQLException {
    try (Connection connection = source.getConnection()) {
      connection.setAutoCommit(false);
      try {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
          lock.setLong(1, APPEND_LOCK);
          lock.execute();
        }
        Rows rows = new Rows(lastSeq(connection));
        Set<String> known = known(connection, batches);
        List<Appended> receipts = new ArrayList<>(batches.size());
        Map<Long, long[]> counts = new HashMap<>();
        for (IngestBatch batch : batches) {
          receipts.add(add(batch, known, rows, counts.computeIfAbsent(batch.workspaceId(), id -> new long[6])));
        }
        rows.insert(connection);
        insertRejections(connection, batches);
        addStats(connection, counts);
        connection.commit();
        return receipts;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }

  private static long lastSeq(Connection connection) throws SQLException {
    try (PreparedStatement last = connection.prepareStatement("SELECT coalesce(max(seq), 0) FROM events");
        ResultSet rows = last.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** "workspace/messageId" of every event of the group that the log already holds. */
  private static Set<String> known(Connection connection, List<IngestBatch> batches) throws SQLException {
    List<Long> workspaces = new ArrayList<>();
    List<String> messageIds = new ArrayList<>();
    for (IngestBatch batch : batches) {
      for (Outcome.Accepted accepted : batch.accepted()) {
        workspaces.add(batch.workspaceId());
        messageIds.add(accepted.event().messageId());
      }
    }
    Set<String> known = new HashSet<>();
    if (messageIds.isEmpty()) {
      return known;
    }
    try (PreparedStatement query = connection.prepareStatement(KNOWN)) {
      query.setArray(1, connection.createArrayOf("bigint", workspaces.toArray()));
      query.setArray(2, connection.createArrayOf("text", messageIds.toArray()));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          known.add(rows.getLong(1) + "/" + rows.getString(2));
        }
      }
    }
    return known;
  }

  /**
   * Adds the batch's new events to {@code rows}, numbered in arrival order, and returns its
   * receipt: an event is new unless the log or an earlier one of the group has its messageId.
   */
  private static Appended add(IngestBatch batch, Set<String> known, Rows rows, long[] counts) {
    int added = 0;
    long warnings = 0;
    for (Outcome.Accepted accepted : batch.accepted()) {
      if (known.add(batch.workspaceId() + "/" + accepted.event().messageId())) {
        rows.add(batch.workspaceId(), accepted);
        added++;
        warnings += accepted.warnings().size();
      }
    }
    int duplicates = batch.accepted().size() - added;
    counts[0] += batch.size();
    counts[1] += added;
    counts[2] += batch.rejected().size();
    counts[3] += duplicates;
    counts[4] += warnings;
    if (added > 0) {
      counts[5] = Math.max(counts[5], batch.receivedAt().toEpochMilli());
    }
    return new Appended(added, duplicates);
  }

  /** The group's new events as columns, numbered on from the log's last seq: no gaps, as on the embedded store. */
  private static final class Rows {
    private static final String[] TYPES =
        {"bigint", "bigint", "text", "text", "text", "text", "text", "text", "text", "bigint", "bigint", "text", "text"};
    private final List<List<Object>> columns = new ArrayList<>();
    private long seq;

    Rows(long lastSeq) {
      this.seq = lastSeq;
      for (int i = 0; i < TYPES.length; i++) {
        columns.add(new ArrayList<>());
      }
    }

    void add(long workspaceId, Outcome.Accepted accepted) {
      Event event = accepted.event();
      Object[] row = {++seq, workspaceId, event.messageId(), event.type().wireName(), event.userId(), event.anonymousId(),
          event.groupId(), event.name(), event.module(), event.eventTime().toEpochMilli(), event.receivedAt().toEpochMilli(),
          WarningsJson.write(accepted.warnings()), event.payload()};
      for (int i = 0; i < row.length; i++) {
        columns.get(i).add(row[i]);
      }
    }

    void insert(Connection connection) throws SQLException {
      if (columns.get(0).isEmpty()) {
        return;
      }
      try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENTS)) {
        for (int i = 0; i < TYPES.length; i++) {
          insert.setArray(i + 1, connection.createArrayOf(TYPES[i], columns.get(i).toArray()));
        }
        insert.executeUpdate();
      }
    }
  }

  private void insertRejections(Connection connection, List<IngestBatch> batches) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_REJECTION);
        PreparedStatement prune = connection.prepareStatement(PRUNE_REJECTIONS)) {
      for (IngestBatch batch : batches) {
        for (IngestBatch.RejectedItem item : batch.rejected()) {
          Outcome.Rejected rejected = item.rejected();
          insert.setLong(1, batch.workspaceId());
          insert.setLong(2, batch.receivedAt().toEpochMilli());
          insert.setInt(3, item.index());
          insert.setString(4, rejected.messageId());
          insert.setString(5, rejected.rejection().field());
          insert.setString(6, rejected.rejection().reason());
          insert.setString(7, rejected.payload());
          insert.addBatch();
        }
        if (!batch.rejected().isEmpty()
            && rejectionsSincePrune.merge(batch.workspaceId(), batch.rejected().size(), Integer::sum) >= REJECTIONS_KEPT / 10) {
          prune.setLong(1, batch.workspaceId());
          prune.setLong(2, batch.workspaceId());
          prune.addBatch();
          rejectionsSincePrune.put(batch.workspaceId(), 0);
        }
      }
      insert.executeBatch();
      prune.executeBatch();
    }
  }

  /** One row per workspace, in id order (another process's appends wait for the lock before theirs). */
  private static void addStats(Connection connection, Map<Long, long[]> counts) throws SQLException {
    try (PreparedStatement add = connection.prepareStatement(ADD_STATS)) {
      for (Map.Entry<Long, long[]> entry : new TreeMap<>(counts).entrySet()) {
        long[] count = entry.getValue();
        add.setLong(1, entry.getKey());
        for (int i = 0; i < 5; i++) {
          add.setLong(i + 2, count[i]);
        }
        if (count[5] > 0) {
          add.setLong(7, count[5]);
        } else {
          add.setNull(7, Types.BIGINT);
        }
        add.addBatch();
      }
      add.executeBatch();
    }
  }

}
