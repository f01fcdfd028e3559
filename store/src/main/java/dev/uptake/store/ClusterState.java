package dev.uptake.store;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The store as the processors of a cluster commit to it: events arrive through a partitioned log
 * (Kafka) instead of the store's own, and each processor owns the partitions the log assigns it.
 * A processor's commit brings the batch's new events in, applies what processing derived from
 * them, and records how far it read each partition, all in one transaction; after a crash the
 * log is read again from there, and nothing is applied twice.
 */
public interface ClusterState {

  /**
   * Marks the database as used by a cluster reading {@code topic}, once; later calls check it.
   *
   * @throws StoreUnavailableException when a server without Kafka appended events here that are
   *     not processed yet, or the database serves a cluster on another topic
   */
  void join(String topic);

  /**
   * Takes {@code partitions} of {@code topic} over: raises each one's epoch, so a commit of the
   * processor that had it fails from now on ({@link PartitionFencedException}), and says where to
   * go on reading (after the other processor's last commit, which this waits for).
   */
  List<PartitionPosition> claim(String topic, Collection<Integer> partitions);

  /** Which of {@code ids} the store already holds: those events were counted before. */
  Set<EventId> known(Collection<EventId> ids);

  /** {@code count} unused event seqs, in increasing order, for arrivals to carry. */
  long[] seqs(int count);

  /**
   * Commits {@code batch} in one transaction.
   *
   * @throws PartitionFencedException when one of the batch's partitions was taken over; nothing
   *     is written
   * @throws DuplicateArrivalException when one of its arrivals was stored meanwhile (through
   *     another partition); nothing is written, and the batch must be looked at again
   */
  void commit(ClusterBatch batch);
}
