package dev.uptake.server;

import dev.uptake.server.http.Responses;
import dev.uptake.server.processing.Processor;
import dev.uptake.store.EventLog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /health/live}: the process runs (fails once the event log's writer or the processor was
 * stopped by an error, which the process cannot recover from). {@code /health/ready}: it can take
 * and process events: writer and processor alive, store reachable, processing behind by at most
 * {@link #MAX_LAG}. {@code /health} is readiness.
 */
final class Health {

  /** Readiness fails when the oldest unprocessed event was received longer ago than this. */
  static final Duration MAX_LAG = Duration.ofMinutes(5);

  private final EventLog eventLog;
  private final Processor processor;
  private final Responses responses;

  Health(EventLog eventLog, Processor processor, Responses responses) {
    this.eventLog = eventLog;
    this.processor = processor;
    this.responses = responses;
  }

  void register(RoutesConfig routes) {
    routes.get("/health/live", this::live);
    routes.get("/health/ready", this::ready);
    routes.get("/health", this::ready);
  }

  /** The error that stopped a part of this process for good, if one did. */
  Optional<Throwable> fatal() {
    return eventLog.failure().or(() -> Optional.ofNullable(processor.failure()));
  }

  private void live(Context ctx) {
    Optional<Throwable> fatal = fatal();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", fatal.isEmpty() ? "live" : "failed");
    fatal.ifPresent(e -> body.put("reason", e.toString()));
    responses.json(ctx, fatal.isEmpty() ? 200 : 503, body);
  }

  private void ready(Context ctx) {
    Map<String, String> checks = new LinkedHashMap<>();
    checks.put("writer", eventLog.failure().map(e -> "stopped by " + e).orElse("ok"));
    Map<String, Object> lag = new LinkedHashMap<>();
    boolean ready = eventLog.failure().isEmpty();
    try {
      Processor.Status status = processor.status();
      checks.put("processor", !status.running() ? "stopped by " + status.fatal()
          : status.failing() != null ? "retrying: " + status.failing()
          : status.standingBy() ? "standby: another process is processing" : "ok");
      checks.put("store", "ok");
      lag.put("events", status.lagEvents());
      lag.put("seconds", status.lagTime().toMillis() / 1000.0);
      lag.put("maxSeconds", MAX_LAG.toSeconds());
      ready &= status.running() && status.failing() == null && status.lagTime().compareTo(MAX_LAG) <= 0;
    } catch (RuntimeException e) {
      checks.put("store", "unreachable: " + e.getMessage());
      ready = false;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "ready" : "not_ready");
    body.put("checks", checks);
    body.put("lag", lag);
    responses.json(ctx, ready ? 200 : 503, body);
  }
}
