package dev.uptake.server;

import dev.uptake.server.http.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /health/live}: the process runs (fails once a part of it was stopped by an error the
 * process cannot recover from). {@code /health/ready}: every part this node runs can work now
 * (each {@link Check}: the event log's writer, the processor, the store, Kafka, as the node's
 * roles have them). {@code /health} is readiness.
 */
final class Health {

  /** What one check found: whether the part can work, in a word or a sentence, and figures. */
  record Result(boolean ready, String text, Map<String, Object> figures) {
    static Result ok() {
      return new Result(true, "ok", Map.of());
    }

    static Result failing(String text) {
      return new Result(false, text, Map.of());
    }
  }

  /** A part of the node: its name in the answer, how it stands, and the error that stopped it for good. */
  record Check(String name, Supplier<Result> result, Supplier<Optional<Throwable>> fatal) {
    Check(String name, Supplier<Result> result) {
      this(name, result, Optional::empty);
    }
  }

  private final List<Check> checks;
  private final Responses responses;

  Health(List<Check> checks, Responses responses) {
    this.checks = List.copyOf(checks);
    this.responses = responses;
  }

  void register(RoutesConfig routes) {
    routes.get("/health/live", this::live);
    routes.get("/health/ready", this::ready);
    routes.get("/health", this::ready);
  }

  /** The error that stopped a part of this process for good, if one did. */
  Optional<Throwable> fatal() {
    return checks.stream().map(check -> check.fatal().get()).flatMap(Optional::stream).findFirst();
  }

  private void live(Context ctx) {
    Optional<Throwable> fatal = fatal();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", fatal.isEmpty() ? "live" : "failed");
    fatal.ifPresent(e -> body.put("reason", e.toString()));
    responses.json(ctx, fatal.isEmpty() ? 200 : 503, body);
  }

  private void ready(Context ctx) {
    Map<String, String> texts = new LinkedHashMap<>();
    Map<String, Object> figures = new LinkedHashMap<>();
    boolean ready = true;
    for (Check check : checks) {
      Result result;
      try {
        result = check.result().get();
      } catch (RuntimeException e) {
        result = Result.failing("unreachable: " + e.getMessage());
      }
      texts.put(check.name(), result.text());
      figures.putAll(result.figures());
      ready &= result.ready();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "ready" : "not_ready");
    body.put("checks", texts);
    body.putAll(figures);
    responses.json(ctx, ready ? 200 : 503, body);
  }
}
