package dev.uptake.cluster;

import dev.uptake.store.StoreUnavailableException;

/**
 * Kafka did not answer, or refused: nothing was acknowledged. Senders get a 503 and retry; nodes
 * try again by themselves.
 */
public class KafkaUnavailableException extends StoreUnavailableException {

  private static final long serialVersionUID = 1L;

  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
