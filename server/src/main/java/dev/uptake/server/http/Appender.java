package dev.uptake.server.http;

import dev.uptake.store.Appended;
import dev.uptake.store.EventLog;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.StoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Appends a request's accepted and refused items to the event log and counts them in {@code
 * /metrics}: what every route that takes events shares (the sender endpoints, the Account API's
 * writes). Returns only once the batch is durable, so a caller holding an {@link Appended} may
 * acknowledge.
 */
public final class Appender {

  private static final long APPEND_TIMEOUT_SECONDS = 30;

  private final EventLog eventLog;
  private final IngestMetrics metrics;

  public Appender(EventLog eventLog, MeterRegistry registry) {
    this.eventLog = eventLog;
    this.metrics = new IngestMetrics(registry);
  }

  /** @throws StoreUnavailableException when the batch was not stored (nothing of it was) */
  public Appended append(IngestBatch batch) {
    long start = System.nanoTime();
    Appended receipt;
    try {
      receipt = eventLog.append(batch).get(APPEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreUnavailableException unavailable) {
        throw unavailable;
      }
      throw new StoreUnavailableException("the append failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new StoreUnavailableException("the append did not commit within " + APPEND_TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while appending", e);
    }
    metrics.appended(receipt.stored(), receipt.duplicates(), System.nanoTime() - start);
    batch.rejected().forEach(item -> metrics.rejected(item.rejected().rejection().field()));
    metrics.warned(batch.accepted().stream().mapToInt(ok -> ok.warnings().size()).sum());
    return receipt;
  }

  /** A request refused before its workspace was known: counted, but there is nowhere to record it. */
  void refusedUnknown(String field) {
    metrics.rejected(field);
  }
}
