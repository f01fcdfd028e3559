package dev.uptake.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.cluster.KafkaUnavailableException;
import dev.uptake.store.StoreUnavailableException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes JSON responses, and renders every error, whatever route raised it, in one shape. */
public final class Responses {

  private static final Logger log = LoggerFactory.getLogger(Responses.class);

  private final ObjectMapper json;

  public Responses(ObjectMapper json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  public void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response bodies are plain records", e);
    }
  }

  public void renderError(Context ctx, ApiError error) {
    json(ctx, error.status(), error);
  }

  /** Javalin's own refusals (no such route, above all) in the same shape as ours. */
  public void renderHttpResponse(Context ctx, HttpResponseException e) {
    if (e instanceof NotFoundResponse) {
      renderError(ctx, ApiError.of(404, "not_found", null,
          "there is no route " + ctx.method() + " " + ctx.path() + "; every route is listed at /api"));
    } else {
      renderError(ctx, ApiError.of(e.getStatus(), "http_" + e.getStatus(), null, e.getMessage()));
    }
  }

  /** The store failed: 503, which Segment and its SDKs retry. */
  public void renderUnavailable(Context ctx, StoreUnavailableException e) {
    log.warn("store unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage(), e.getCause());
    ctx.header("Retry-After", "5");
    if (e instanceof KafkaUnavailableException) {
      renderError(ctx, ApiError.of(503, "event_log_unavailable", null,
          "Kafka, where events are stored, is not available right now; nothing was acknowledged, retry later"));
      return;
    }
    renderError(
        ctx,
        ApiError.of(503, "store_unavailable", null, "storage is not available right now; retry later"));
  }

  /** A bug of ours, never a sender's doing; logged with the stack trace for the developers. */
  public void renderUnexpected(Context ctx, Exception e) {
    log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
    renderError(ctx, ApiError.of(500, "internal_error", null, "an unexpected error occurred; it was logged"));
  }
}
