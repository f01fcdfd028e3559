package dev.uptake.store;

/**
 * A processor tried to commit for a partition that another processor has taken over since: it
 * must drop what it holds for that partition and go on with the partitions it still owns.
 */
public class PartitionFencedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PartitionFencedException(String topic, int partition, long epoch) {
    super("partition " + partition + " of " + topic + " was taken over by another processor (this one held it with epoch "
        + epoch + "); nothing of the batch was committed");
  }
}
