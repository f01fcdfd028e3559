package dev.uptake.store.postgres;

import dev.uptake.core.ingest.Outcome;
import dev.uptake.store.ClusterBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What ingestion records besides the events: the rejections the debugger shows (the newest {@link
 * #REJECTIONS_KEPT} per workspace) and each workspace's counts. Written by the event log's appends,
 * and in cluster mode by the processors that read what ingest nodes sent through Kafka.
 */
final class IngestWrites {

  /** Rejections kept per workspace for the debugger; older ones are deleted. */
  static final int REJECTIONS_KEPT = 10_000;

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

  /** One workspace's counts to add. */
  static final class Counts {
    long received;
    long accepted;
    long rejected;
    long duplicates;
    long warnings;
    long lastEventAt;

    void accepted(Outcome.Accepted event) {
      accepted++;
      warnings += event.warnings().size();
      lastEventAt = Math.max(lastEventAt, event.event().receivedAt().toEpochMilli());
    }
  }

  private final Map<Long, Integer> rejectionsSincePrune = new HashMap<>();

  /** Inserts the rejections, pruning a workspace's oldest now and then. */
  synchronized void insertRejections(Connection connection, List<ClusterBatch.Rejection> rejections) throws SQLException {
    if (rejections.isEmpty()) {
      return;
    }
    Map<Long, Integer> added = new TreeMap<>();
    try (PreparedStatement insert = connection.prepareStatement(INSERT_REJECTION);
        PreparedStatement prune = connection.prepareStatement(PRUNE_REJECTIONS)) {
      for (ClusterBatch.Rejection rejection : rejections) {
        Outcome.Rejected rejected = rejection.item().rejected();
        insert.setLong(1, rejection.workspaceId());
        insert.setLong(2, rejection.receivedAt().toEpochMilli());
        insert.setInt(3, rejection.item().index());
        insert.setString(4, rejected.messageId());
        insert.setString(5, rejected.rejection().field());
        insert.setString(6, rejected.rejection().reason());
        insert.setString(7, rejected.payload());
        insert.addBatch();
        added.merge(rejection.workspaceId(), 1, Integer::sum);
      }
      for (Map.Entry<Long, Integer> workspace : added.entrySet()) {
        if (rejectionsSincePrune.merge(workspace.getKey(), workspace.getValue(), Integer::sum) >= REJECTIONS_KEPT / 10) {
          prune.setLong(1, workspace.getKey());
          prune.setLong(2, workspace.getKey());
          prune.addBatch();
          rejectionsSincePrune.put(workspace.getKey(), 0);
        }
      }
      insert.executeBatch();
      prune.executeBatch();
    }
  }

  /** Adds each workspace's counts, one row per workspace in id order (so concurrent writers queue, not deadlock). */
  static void addStats(Connection connection, Map<Long, Counts> counts) throws SQLException {
    try (PreparedStatement add = connection.prepareStatement(ADD_STATS)) {
      for (Map.Entry<Long, Counts> entry : new TreeMap<>(counts).entrySet()) {
        Counts count = entry.getValue();
        add.setLong(1, entry.getKey());
        add.setLong(2, count.received);
        add.setLong(3, count.accepted);
        add.setLong(4, count.rejected);
        add.setLong(5, count.duplicates);
        add.setLong(6, count.warnings);
        if (count.lastEventAt > 0) {
          add.setLong(7, count.lastEventAt);
        } else {
          add.setNull(7, Types.BIGINT);
        }
        add.addBatch();
      }
      add.executeBatch();
    }
  }
}
