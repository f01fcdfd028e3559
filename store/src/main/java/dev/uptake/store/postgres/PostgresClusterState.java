package dev.uptake.store.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.store.ClusterBatch;
import dev.uptake.store.ClusterState;
import dev.uptake.store.DuplicateArrivalException;
import dev.uptake.store.EventId;
import dev.uptake.store.PartitionFencedException;
import dev.uptake.store.PartitionPosition;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.jdbc.Dialect;
import dev.uptake.store.jdbc.Sql;
import dev.uptake.store.jdbc.StateWrites;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster processors' commits to PostgreSQL. Partition rows ({@code partition_offsets}) are the
 * fence: a commit updates each of its partitions' offset only where the epoch is still its own,
 * first thing in its transaction, so a takeover ({@link #claim}) waits for a commit in flight and
 * then makes every later one of the old owner fail. Events are inserted next, relying on the
 * unique (workspace, messageId) index: an event stored meanwhile by another partition's commit
 * fails the whole commit, before any of its contributions is applied.
 */
final class PostgresClusterState implements ClusterState {

  private static final Logger log = LoggerFactory.getLogger(PostgresClusterState.class);

  private final DataSource writer;
  private final StateWrites writes;
  private final IngestWrites ingest = new IngestWrites();
  private final Clock clock;

  /** @param writer the processor's own connections (a pool of one) */
  PostgresClusterState(DataSource writer, ObjectMapper json, Clock clock) {
    this.writer = writer;
    this.writes = new StateWrites(json, Dialect.POSTGRESQL);
    this.clock = clock;
  }

  @Override
  public void join(String topic) {
    try (Connection connection = writer.getConnection()) {
      if (!tryLock(connection, PostgresStateWriter.PROCESSING_LOCK)) {
        throw new StoreUnavailableException("an Uptake without Kafka is processing this database; stop it"
            + " (uptake serve --database …) before the cluster's processors start", null);
      }
      try {
        connection.setAutoCommit(false);
        try {
          join(connection, topic);
          connection.commit();
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        } finally {
          connection.setAutoCommit(true);
        }
      } finally {
        try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
          unlock.setLong(1, PostgresStateWriter.PROCESSING_LOCK);
          unlock.execute();
        }
      }
    } catch (SQLException e) {
      throw Sql.unavailable(e);
    }
  }

  /**
   * Inside a transaction holding the processing lock: no server without Kafka processes meanwhile
   * (one that starts later finds the database joined, and refuses), and its appends wait.
   */
  private void join(Connection connection, String topic) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setLong(1, PostgresAppender.APPEND_LOCK);
      lock.execute();
    }
    String joined = joinedTopic(connection);
    if (joined != null) {
      if (!joined.equals(topic)) {
        throw new StoreUnavailableException("this database serves the Uptake cluster of Kafka topic " + joined
            + ", not " + topic + ": start with --topic " + joined + ", or point this node at another database", null);
      }
      return;
    }
    long[] events = new long[2];
    Sql.query(connection, "SELECT coalesce(max(seq), 0), (SELECT seq FROM processing_cursor WHERE id = 1) FROM events",
        rows -> {
          events[0] = rows.getLong(1);
          events[1] = rows.getLong(2);
        });
    if (events[1] < events[0]) {
      throw new StoreUnavailableException((events[0] - events[1]) + " events appended by an Uptake without Kafka are not"
          + " processed yet: run it (uptake serve --database …) until /health shows no lag, stop it, then start the cluster",
          null);
    }
    try (PreparedStatement restart = connection.prepareStatement(
        "SELECT setval(pg_get_serial_sequence('events', 'seq'), ?, ?)")) {
      restart.setLong(1, Math.max(events[0], 1)); // cluster processors draw seqs from the column's sequence
      restart.setBoolean(2, events[0] > 0);
      restart.execute();
    }
    Sql.update(connection, "INSERT INTO deployment (id, mode, topic, since) VALUES (1, 'cluster', ?, ?)", topic,
        clock.millis());
    log.info("this database now serves the Uptake cluster of Kafka topic {}", topic);
  }

  /** The topic of the cluster the database serves, or null. */
  static String joinedTopic(Connection connection) throws SQLException {
    String[] joined = {null};
    Sql.query(connection, "SELECT topic FROM deployment WHERE id = 1", rows -> joined[0] = rows.getString(1));
    return joined[0];
  }

  static boolean tryLock(Connection connection, long key) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      lock.setLong(1, key);
      try (ResultSet rows = lock.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }

  @Override
  public List<PartitionPosition> claim(String topic, Collection<Integer> partitions) {
    return inTransaction(connection -> {
      List<PartitionPosition> claimed = new ArrayList<>();
      try (PreparedStatement take = connection.prepareStatement(
          "INSERT INTO partition_offsets AS p (topic, partition, epoch, next_offset) VALUES (?, ?, 1, 0)"
              + " ON CONFLICT (topic, partition) DO UPDATE SET epoch = p.epoch + 1 RETURNING epoch, next_offset")) {
        for (int partition : new TreeSet<>(partitions)) { // in order: two claims never wait for each other in a circle
          take.setString(1, topic);
          take.setInt(2, partition);
          try (ResultSet rows = take.executeQuery()) {
            rows.next();
            claimed.add(new PartitionPosition(partition, rows.getLong(1), rows.getLong(2)));
          }
        }
      }
      return claimed;
    });
  }

  @Override
  public Set<EventId> known(Collection<EventId> ids) {
    Set<EventId> known = new HashSet<>();
    if (ids.isEmpty()) {
      return known;
    }
    try (Connection connection = writer.getConnection();
        PreparedStatement query = connection.prepareStatement(PostgresAppender.KNOWN)) {
      query.setArray(1, connection.createArrayOf("bigint", ids.stream().map(EventId::workspaceId).toArray()));
      query.setArray(2, connection.createArrayOf("text", ids.stream().map(EventId::messageId).toArray()));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          known.add(new EventId(rows.getLong(1), rows.getString(2)));
        }
      }
      return known;
    } catch (SQLException e) {
      throw Sql.unavailable(e);
    }
  }

  /** The advisory lock cluster processors draw blocks of seqs under. */
  static final long SEQ_LOCK = 0x75707461_6b650004L;

  /**
   * Moves the sequence past a block of seqs in one step, under an advisory lock every processor
   * takes to draw (in cluster mode nothing else draws from it); the lock is taken first, in the
   * FROM, and held by the statement's own transaction: never across a pause of the process that
   * sent it. Returns the block's last seq.
   */
  private static final String DRAW = "SELECT setval(pg_get_serial_sequence('events', 'seq'),"
      + " nextval(pg_get_serial_sequence('events', 'seq')) + ? - 1) FROM (SELECT pg_advisory_xact_lock(?)) AS locked";

  /** A block of {@code count} consecutive seqs (a {@code nextval} per event cost PostgreSQL 5 µs each). */
  @Override
  public long[] seqs(int count) {
    long[] seqs = new long[count];
    if (count == 0) {
      return seqs;
    }
    try (Connection connection = writer.getConnection();
        PreparedStatement draw = connection.prepareStatement(DRAW)) {
      draw.setInt(1, count);
      draw.setLong(2, SEQ_LOCK);
      try (ResultSet rows = draw.executeQuery()) {
        rows.next();
        long first = rows.getLong(1) - count + 1;
        for (int i = 0; i < count; i++) {
          seqs[i] = first + i;
        }
      }
      return seqs;
    } catch (SQLException e) {
      throw Sql.unavailable(e);
    }
  }

  @Override
  public void commit(ClusterBatch batch) {
    inTransaction(connection -> {
      fence(connection, batch);
      EventRows rows = new EventRows();
      Map<Long, IngestWrites.Counts> counts = new HashMap<>();
      for (ClusterBatch.Arrival arrival : batch.arrivals()) {
        rows.add(arrival.seq(), arrival.workspaceId(), arrival.accepted());
        IngestWrites.Counts count = counts.computeIfAbsent(arrival.workspaceId(), id -> new IngestWrites.Counts());
        count.accepted(arrival.accepted());
        count.received++;
      }
      int inserted = rows.insertNew(connection);
      if (inserted != rows.size()) {
        throw new DuplicateArrivalException(rows.size(), inserted);
      }
      for (ClusterBatch.Rejection rejection : batch.rejections()) {
        IngestWrites.Counts count = counts.computeIfAbsent(rejection.workspaceId(), id -> new IngestWrites.Counts());
        count.rejected++;
        count.received++;
      }
      batch.duplicates().forEach((workspaceId, duplicates) -> {
        IngestWrites.Counts count = counts.computeIfAbsent(workspaceId, id -> new IngestWrites.Counts());
        count.duplicates += duplicates;
        count.received += duplicates;
      });
      ingest.insertRejections(connection, batch.rejections());
      writes.writeChanges(connection, batch.changes(), PostgresStateWriter.transactionId(connection));
      IngestWrites.addStats(connection, counts); // last: every processor's commit changes these rows
      return null;
    });
  }

  /** Moves each partition's offset where this processor still holds it; fails on the first it lost. */
  private static void fence(Connection connection, ClusterBatch batch) throws SQLException {
    List<PartitionPosition> positions = new ArrayList<>(batch.positions());
    positions.sort(Comparator.comparingInt(PartitionPosition::partition));
    try (PreparedStatement move = connection.prepareStatement(
        "UPDATE partition_offsets SET next_offset = ? WHERE topic = ? AND partition = ? AND epoch = ?")) {
      for (PartitionPosition position : positions) {
        move.setLong(1, position.nextOffset());
        move.setString(2, batch.topic());
        move.setInt(3, position.partition());
        move.setLong(4, position.epoch());
        if (move.executeUpdate() == 0) {
          throw new PartitionFencedException(batch.topic(), position.partition(), position.epoch());
        }
      }
    }
  }

  private <T> T inTransaction(Sql.Work<T> work) {
    return Transactions.run(writer, work);
  }
}
