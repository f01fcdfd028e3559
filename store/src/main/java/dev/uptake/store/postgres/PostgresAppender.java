package dev.uptake.store.postgres;

import dev.uptake.core.event.Event;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.store.Appended;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.jdbc.WarningsJson;
import java.sql.Array;
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
 * Writes a group of batches to the events table in one transaction, with one statement for all
 * their events (arrays unnested server-side), for the event log's writer thread.
 *
 * <p>The transaction first takes {@link #APPEND_LOCK}: appends of every process take turns, so
 * seqs are numbered after every smaller one is committed or rolled back, and a reader that has
 * seen seq n never sees a smaller one appear later. The lock is held for one insert and its
 * commit; group commit makes that one per group, not per request.
 */
final class PostgresAppender {

  /** The advisory lock appends take turns on (any number unlikely to clash with an application's). */
  static final long APPEND_LOCK = 0x75707461_6b650001L;
  /** Rejections kept per workspace for the debugger; older ones are deleted. */
  static final int REJECTIONS_KEPT = 10_000;

  /**
   * Every event of the group that the log lacks, numbered on from the log's last seq in arrival
   * order (the first of a messageId repeated within the group wins). Under {@link #APPEND_LOCK}
   * nobody else appends meanwhile, so the lookup cannot race and the numbers have no gaps, as on
   * the embedded store: a duplicate costs a probe of the unique index and no number.
   */
  private static final String INSERT_EVENTS =
      "WITH incoming AS (SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
          + " ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[]) WITH ORDINALITY AS i (workspace_id,"
          + " message_id, type, user_id, anonymous_id, group_id, name, module, event_time, received_at, warnings, payload,"
          + " arrival)), fresh AS (SELECT DISTINCT ON (workspace_id, message_id) * FROM incoming i WHERE NOT EXISTS"
          + " (SELECT 1 FROM events e WHERE e.workspace_id = i.workspace_id AND e.message_id = i.message_id)"
          + " ORDER BY workspace_id, message_id, arrival)"
          + " INSERT INTO events (seq, workspace_id, message_id, type, user_id, anonymous_id, group_id, name, module,"
          + " event_time, received_at, warnings, payload) SELECT (SELECT coalesce(max(seq), 0) FROM events)"
          + " + row_number() OVER (ORDER BY arrival), workspace_id, message_id, type, user_id, anonymous_id, group_id,"
          + " name, module, event_time, received_at, warnings, payload FROM fresh"
          + " ON CONFLICT (workspace_id, message_id) DO NOTHING RETURNING workspace_id, message_id";
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
        Set<String> stored = insertEvents(connection, batches);
        List<Appended> receipts = new ArrayList<>(batches.size());
        Map<Long, long[]> counts = new HashMap<>();
        for (IngestBatch batch : batches) {
          receipts.add(count(batch, stored, counts.computeIfAbsent(batch.workspaceId(), id -> new long[6])));
        }
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

  /** Inserts every accepted event of the group; returns "workspace/messageId" of those stored now. */
  private static Set<String> insertEvents(Connection connection, List<IngestBatch> batches) throws SQLException {
    int size = batches.stream().mapToInt(batch -> batch.accepted().size()).sum();
    Set<String> stored = new HashSet<>();
    if (size == 0) {
      return stored;
    }
    Object[][] columns = new Object[12][size];
    int row = 0;
    for (IngestBatch batch : batches) {
      for (Outcome.Accepted accepted : batch.accepted()) {
        Event event = accepted.event();
        columns[0][row] = batch.workspaceId();
        columns[1][row] = event.messageId();
        columns[2][row] = event.type().wireName();
        columns[3][row] = event.userId();
        columns[4][row] = event.anonymousId();
        columns[5][row] = event.groupId();
        columns[6][row] = event.name();
        columns[7][row] = event.module();
        columns[8][row] = event.eventTime().toEpochMilli();
        columns[9][row] = event.receivedAt().toEpochMilli();
        columns[10][row] = WarningsJson.write(accepted.warnings());
        columns[11][row] = event.payload();
        row++;
      }
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENTS)) {
      for (int column = 0; column < columns.length; column++) {
        boolean number = column == 0 || column == 8 || column == 9;
        Array array = connection.createArrayOf(number ? "bigint" : "text", columns[column]);
        insert.setArray(column + 1, array);
      }
      try (ResultSet rows = insert.executeQuery()) {
        while (rows.next()) {
          stored.add(rows.getLong(1) + "/" + rows.getString(2));
        }
      }
    }
    return stored;
  }

  /**
   * The batch's receipt: an event is stored when the insert returned it and no earlier batch of
   * the group claimed it (a messageId repeated within a group is stored once, by its first).
   */
  private static Appended count(IngestBatch batch, Set<String> stored, long[] counts) {
    int added = 0;
    long warnings = 0;
    for (Outcome.Accepted accepted : batch.accepted()) {
      if (stored.remove(batch.workspaceId() + "/" + accepted.event().messageId())) {
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
