package dev.uptake.server.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Ingestion counters for {@code /metrics}, across workspaces (the stats API has them per workspace). */
final class IngestMetrics {

  private final MeterRegistry registry;
  private final Counter accepted;
  private final Counter duplicates;
  private final Timer appendLatency;

  IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.accepted = events("accepted");
    this.duplicates = events("duplicate");
    this.appendLatency =
        Timer.builder("uptake.ingest.append")
            .description("time from request parsed to batch committed")
            .register(registry);
  }

  void appended(int stored, int duplicated, long nanos) {
    accepted.increment(stored);
    duplicates.increment(duplicated);
    appendLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A refused event or request, by the field at fault. */
  void rejected(String field) {
    events("rejected").increment();
    Counter.builder("uptake.ingest.rejections")
        .description("refused events and requests by the field at fault")
        .tag("field", field == null ? "none" : field)
        .register(registry)
        .increment();
  }

  void warned(int warnings) {
    if (warnings > 0) {
      Counter.builder("uptake.ingest.warnings").register(registry).increment(warnings);
    }
  }

  private Counter events(String outcome) {
    return Counter.builder("uptake.ingest.events")
        .description("events received, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }
}
