package dev.uptake.server.http;

import dev.uptake.core.event.EventType;
import dev.uptake.core.ingest.Body;
import dev.uptake.core.ingest.BodyParser;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.ingest.Rejection;
import dev.uptake.store.Appended;
import dev.uptake.store.IngestBatch;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.Workspace;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One ingestion request, start to finish: authenticate → read the body → parse → normalize each
 * item → append durably → answer. Events are acknowledged only with an {@link Appended} receipt
 * in hand. Whatever is refused is counted and recorded for the debugger once the workspace is
 * known.
 */
final class IngestHandler {

  private static final int RAW_BODY_CHARS = 2048;

  private final SenderAuth auth;
  private final BodyParser parser;
  private final Normalizer normalizer;
  private final Appender appender;
  private final Responses responses;
  private final Clock clock;

  IngestHandler(
      SenderAuth auth,
      BodyParser parser,
      Normalizer normalizer,
      Appender appender,
      Responses responses,
      Clock clock) {
    this.auth = auth;
    this.parser = parser;
    this.normalizer = normalizer;
    this.appender = appender;
    this.responses = responses;
    this.clock = clock;
  }

  /** The native Event API: {@code POST /v1/{authKey}/{apiKey}}, optionally signed. */
  void handleNative(Context ctx) {
    Credentials keys = new Credentials.EventKeyPair(ctx.pathParam("apiKey"), ctx.pathParam("authKey"));
    Workspace workspace = auth.authenticate(keys);
    byte[] body = readBody(ctx, workspace);
    workspace
        .webhookSecret()
        .ifPresent(secret -> Signatures.verify(secret, body, ctx.header(Signatures.HEADER)));
    ingest(ctx, workspace, body, null);
  }

  /** Segment's Tracking API; {@code impliedType} is the call the path stands for, or null. */
  void handleTracking(Context ctx, EventType impliedType) {
    Credentials fromHeader = Credentials.fromBasicHeader(ctx.header("Authorization"));
    Workspace workspace = fromHeader == null ? null : auth.authenticate(fromHeader);
    byte[] body = readBody(ctx, workspace);
    ingest(ctx, workspace, body, impliedType);
  }

  private void ingest(Context ctx, Workspace known, byte[] bytes, EventType impliedType) {
    Instant receivedAt = clock.instant();
    Body body = parser.parse(bytes);
    if (body instanceof Body.Malformed malformed) {
      ApiError error =
          new ApiError(400, "malformed_json", "body", malformed.reason(), malformed.line(), malformed.column());
      throw recorded(known, error, raw(bytes));
    }
    Body.Parsed parsed = (Body.Parsed) body;
    Workspace workspace = known != null ? known : bodyWorkspace(parsed);
    List<Outcome.Accepted> accepted = new ArrayList<>();
    List<IngestBatch.RejectedItem> rejected = new ArrayList<>();
    for (int i = 0; i < parsed.items().size(); i++) {
      Outcome outcome = normalize(parsed.items().get(i), receivedAt, impliedType);
      if (outcome instanceof Outcome.Accepted ok) {
        accepted.add(ok);
      } else {
        rejected.add(new IngestBatch.RejectedItem(i, (Outcome.Rejected) outcome));
      }
    }
    Appended receipt = appender.append(new IngestBatch(workspace.id(), receivedAt, accepted, rejected));
    if (parsed.shape() == Body.Shape.SINGLE && !rejected.isEmpty()) {
      Rejection rejection = rejected.get(0).rejected().rejection();
      int status = rejection.tooLarge() ? 413 : 400;
      String code = rejection.tooLarge() ? "event_too_large" : "invalid_event";
      throw ApiError.of(status, code, rejection.field(), rejection.reason()).exception();
    }
    responses.json(ctx, 200, IngestResponse.of(receipt, rejected));
  }

  private Outcome normalize(Body.Item item, Instant receivedAt, EventType impliedType) {
    if (item instanceof Body.Unparsable unparsable) {
      return new Outcome.Rejected(null, unparsable.rejection(), unparsable.raw());
    }
    return normalizer.normalize(((Body.Value) item).node(), receivedAt, impliedType);
  }

  private Workspace bodyWorkspace(Body.Parsed parsed) {
    if (parsed.writeKey() == null) {
      throw SenderAuth.unauthorized(
          "no credentials: send the write key as Basic auth user name, or as writeKey in the body");
    }
    return auth.authenticate(new Credentials.WriteKey(parsed.writeKey()));
  }

  private byte[] readBody(Context ctx, Workspace workspace) {
    try {
      return RequestBodies.read(ctx);
    } catch (ApiError.ApiException e) {
      throw recorded(workspace, e.error(), "(body not kept: " + e.error().reason() + ")");
    }
  }

  /**
   * A whole request refused: recorded as one rejected item when the workspace is known (so the
   * admin sees it in the debugger), counted either way; returns the exception to throw.
   */
  private ApiError.ApiException recorded(Workspace workspace, ApiError error, String payload) {
    if (workspace == null) {
      appender.refusedUnknown(error.field());
    } else {
      Rejection rejection = Rejection.invalid(error.field() == null ? "request" : error.field(), error.reason());
      Outcome.Rejected item = new Outcome.Rejected(null, rejection, payload);
      IngestBatch batch =
          new IngestBatch(workspace.id(), clock.instant(), List.of(), List.of(new IngestBatch.RejectedItem(0, item)));
      try {
        appender.append(batch);
      } catch (StoreUnavailableException e) {
        // The sender gets the original error; the store's trouble is logged by the event log.
        appender.refusedUnknown(error.field());
      }
    }
    return error.exception();
  }

  private static String raw(byte[] bytes) {
    int length = Math.min(bytes.length, RAW_BODY_CHARS);
    String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
    return bytes.length > length ? text + "…" : text;
  }
}
