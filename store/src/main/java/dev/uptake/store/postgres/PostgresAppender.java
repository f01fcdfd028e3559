package dev.uptake.store.postgres;

import dev.uptake.core.ingest.Outcome;
import dev.uptake.store.Appended;
import dev.uptake.store.ClusterBatch;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Writes a group of batches to the events table in one transaction, for the event log's writer
 * thread: one query finds which messageIds the log already has, one statement inserts the rest,
 * numbered on from the log's last seq.
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

  /** Which of the group's messageIds the log has: one probe of the unique index each. */
  static final String KNOWN = "SELECT e.workspace_id, e.message_id FROM events e JOIN unnest(?::bigint[], ?::text[])"
      + " AS i (workspace_id, message_id) ON e.workspace_id = i.workspace_id AND e.message_id = i.message_id";

  private final DataSource source;
  private final IngestWrites ingest = new IngestWrites();

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
        long seq = lastSeq(connection);
        Set<String> known = known(connection, batches);
        EventRows rows = new EventRows();
        List<Appended> receipts = new ArrayList<>(batches.size());
        Map<Long, IngestWrites.Counts> counts = new HashMap<>();
        List<ClusterBatch.Rejection> rejections = new ArrayList<>();
        for (IngestBatch batch : batches) {
          IngestWrites.Counts count = counts.computeIfAbsent(batch.workspaceId(), id -> new IngestWrites.Counts());
          int added = 0;
          for (Outcome.Accepted accepted : batch.accepted()) {
            if (known.add(batch.workspaceId() + "/" + accepted.event().messageId())) {
              rows.add(++seq, batch.workspaceId(), accepted);
              count.accepted(accepted);
              added++;
            }
          }
          int duplicates = batch.accepted().size() - added;
          count.received += batch.size();
          count.rejected += batch.rejected().size();
          count.duplicates += duplicates;
          batch.rejected().forEach(item -> rejections.add(
              new ClusterBatch.Rejection(batch.workspaceId(), batch.receivedAt(), item)));
          receipts.add(new Appended(added, duplicates));
        }
        rows.insert(connection);
        ingest.insertRejections(connection, rejections);
        IngestWrites.addStats(connection, counts);
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

  /** The log's last seq; refuses to append to a database a cluster uses (its processors number events). */
  private static long lastSeq(Connection connection) throws SQLException {
    try (PreparedStatement last = connection.prepareStatement(
            "SELECT coalesce(max(seq), 0), (SELECT topic FROM deployment WHERE id = 1) FROM events");
        ResultSet rows = last.executeQuery()) {
      rows.next();
      if (rows.getString(2) != null) {
        throw new StoreUnavailableException("this database serves an Uptake cluster (Kafka topic " + rows.getString(2)
            + "); start this server with --kafka to join it, or point it at another database", null);
      }
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
}
