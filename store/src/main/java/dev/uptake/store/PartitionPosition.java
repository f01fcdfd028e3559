package dev.uptake.store;

/**
 * A processor's hold on one partition of the event topic.
 *
 * @param epoch the number its processor took the partition over with ({@link ClusterState#claim})
 * @param nextOffset the offset of the first record not yet committed (0 for a partition never read)
 */
public record PartitionPosition(int partition, long epoch, long nextOffset) {

  public PartitionPosition at(long offset) {
    return new PartitionPosition(partition, epoch, offset);
  }
}
