package dev.uptake.store.sqlite;

import dev.uptake.core.event.Event;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.store.Appended;
import dev.uptake.store.jdbc.Sql;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.jdbc.WarningsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a group of batches in one transaction on the event log's own connection (in auto-commit
 * mode, so transactions are exactly the ones begun here). Only the event log's writer thread calls
 * it. It assigns {@code seq} itself, the only writer of the events
 * table, so an event whose messageId is already stored costs one ignored insert and no lookup.
 */
final class GroupWriter {

  /** Rejections kept per workspace for the debugger; older ones are deleted. */
  static final int REJECTIONS_KEPT = 10_000;


  private final Connection connection;
  private final PreparedStatement insertEvent;
  private final PreparedStatement insertRejection;
  private final PreparedStatement addStats;
  private final PreparedStatement pruneRejections;
  private final Map<Long, Integer> rejectionsSincePrune = new HashMap<>();
  private long nextSeq;

  GroupWriter(Connection connection) throws SQLException {
    this.connection = connection;
    this.insertEvent =
        connection.prepareStatement(
            "INSERT INTO events (seq, workspace_id, message_id, type, user_id,"
                + " anonymous_id, group_id, name, module, event_time, received_at, warnings,"
                + " payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (workspace_id, message_id) DO NOTHING"); // a duplicate; any other conflict fails
    this.insertRejection =
        connection.prepareStatement(
            "INSERT INTO rejections (workspace_id, received_at, item_index, message_id, field,"
                + " reason, payload) VALUES (?, ?, ?, ?, ?, ?, ?)");
    this.addStats =
        connection.prepareStatement(
            "INSERT INTO ingest_stats (workspace_id, received, accepted, rejected, duplicates,"
                + " warnings, last_event_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT"
                + " (workspace_id) DO UPDATE SET received = received + excluded.received,"
                + " accepted = accepted + excluded.accepted, rejected = rejected +"
                + " excluded.rejected, duplicates = duplicates + excluded.duplicates, warnings ="
                + " warnings + excluded.warnings, last_event_at ="
                + " coalesce(max(last_event_at, excluded.last_event_at), last_event_at,"
                + " excluded.last_event_at)");
    this.pruneRejections =
        connection.prepareStatement(
            "DELETE FROM rejections WHERE workspace_id = ? AND id <= (SELECT id FROM rejections"
                + " WHERE workspace_id = ? ORDER BY id DESC LIMIT 1 OFFSET " + REJECTIONS_KEPT + ")");
    this.nextSeq = lastSeq() + 1;
  }

  /** Writes and commits all batches; one receipt per batch, in order. Rolls back on failure. */
  List<Appended> write(List<IngestBatch> batches) throws SQLException {
    long firstSeq = nextSeq;
    try {
      return Sql.immediate(connection, unused -> {
        Map<Long, Counts> counts = new HashMap<>();
        List<Appended> receipts = new ArrayList<>(batches.size());
        for (IngestBatch batch : batches) {
          Counts workspace = counts.computeIfAbsent(batch.workspaceId(), id -> new Counts());
          receipts.add(writeBatch(batch, workspace));
        }
        for (Map.Entry<Long, Counts> entry : counts.entrySet()) {
          addStats(entry.getKey(), entry.getValue());
        }
        return receipts;
      });
    } catch (SQLException | RuntimeException e) {
      nextSeq = firstSeq;
      renumber(e);
      throw e;
    }
  }

  private Appended writeBatch(IngestBatch batch, Counts counts) throws SQLException {
    int stored = 0;
    for (Outcome.Accepted accepted : batch.accepted()) {
      if (insert(batch.workspaceId(), accepted)) {
        stored++;
        counts.warnings += accepted.warnings().size();
      }
    }
    for (IngestBatch.RejectedItem item : batch.rejected()) {
      insert(batch.workspaceId(), batch, item);
    }
    int duplicates = batch.accepted().size() - stored;
    counts.received += batch.size();
    counts.accepted += stored;
    counts.duplicates += duplicates;
    counts.rejected += batch.rejected().size();
    if (stored > 0) {
      counts.lastEventAt = Math.max(counts.lastEventAt, batch.receivedAt().toEpochMilli());
    }
    pruneRejectionsNowAndThen(batch);
    return new Appended(stored, duplicates);
  }

  private boolean insert(long workspaceId, Outcome.Accepted accepted) throws SQLException {
    Event event = accepted.event();
    insertEvent.setLong(1, nextSeq);
    insertEvent.setLong(2, workspaceId);
    insertEvent.setString(3, event.messageId());
    insertEvent.setString(4, event.type().wireName());
    insertEvent.setString(5, event.userId());
    insertEvent.setString(6, event.anonymousId());
    insertEvent.setString(7, event.groupId());
    insertEvent.setString(8, event.name());
    insertEvent.setString(9, event.module());
    insertEvent.setLong(10, event.eventTime().toEpochMilli());
    insertEvent.setLong(11, event.receivedAt().toEpochMilli());
    setNullableString(insertEvent, 12, WarningsJson.write(accepted.warnings()));
    insertEvent.setString(13, event.payload());
    boolean stored = insertEvent.executeUpdate() == 1;
    if (stored) {
      nextSeq++;
    }
    return stored;
  }

  private void insert(long workspaceId, IngestBatch batch, IngestBatch.RejectedItem item)
      throws SQLException {
    Outcome.Rejected rejected = item.rejected();
    insertRejection.setLong(1, workspaceId);
    insertRejection.setLong(2, batch.receivedAt().toEpochMilli());
    insertRejection.setInt(3, item.index());
    setNullableString(insertRejection, 4, rejected.messageId());
    insertRejection.setString(5, rejected.rejection().field());
    insertRejection.setString(6, rejected.rejection().reason());
    insertRejection.setString(7, rejected.payload());
    insertRejection.executeUpdate();
  }

  private void pruneRejectionsNowAndThen(IngestBatch batch) throws SQLException {
    if (batch.rejected().isEmpty()) {
      return;
    }
    int since = rejectionsSincePrune.merge(batch.workspaceId(), batch.rejected().size(), Integer::sum);
    if (since >= REJECTIONS_KEPT / 10) {
      pruneRejections.setLong(1, batch.workspaceId());
      pruneRejections.setLong(2, batch.workspaceId());
      pruneRejections.executeUpdate();
      rejectionsSincePrune.put(batch.workspaceId(), 0);
    }
  }

  private void addStats(long workspaceId, Counts counts) throws SQLException {
    addStats.setLong(1, workspaceId);
    addStats.setLong(2, counts.received);
    addStats.setLong(3, counts.accepted);
    addStats.setLong(4, counts.rejected);
    addStats.setLong(5, counts.duplicates);
    addStats.setLong(6, counts.warnings);
    if (counts.lastEventAt > 0) {
      addStats.setLong(7, counts.lastEventAt);
    } else {
      addStats.setNull(7, Types.INTEGER);
    }
    addStats.executeUpdate();
  }

  /**
   * Numbers from what the log holds after a failed write: if another writer (an operator's sqlite3
   * shell, an import) added rows, the next write must not collide with them.
   */
  private void renumber(Exception failure) {
    try {
      nextSeq = lastSeq() + 1;
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  private long lastSeq() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT coalesce(max(seq), 0) FROM events")) {
      rows.next();
      return rows.getLong(1);
    }
  }


  private static void setNullableString(PreparedStatement statement, int index, String value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }

  /** Per-workspace counts of one group, added to ingest_stats in one statement. */
  private static final class Counts {
    long received;
    long accepted;
    long rejected;
    long duplicates;
    long warnings;
    long lastEventAt;
  }
}
