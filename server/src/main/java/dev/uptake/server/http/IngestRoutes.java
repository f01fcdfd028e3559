package dev.uptake.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.event.EventType;
import dev.uptake.core.ingest.BodyParser;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.keys.Region;
import dev.uptake.store.EventLog;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every sender's endpoint. The native Event API and Segment destination at {@code
 * /v1/{authKey}/{apiKey}}; Segment's HTTP Tracking API, which its SDKs call, at {@code /v1/batch},
 * {@code /v1/import}, one path per call type, and the browser SDK's short paths. Browser paths
 * answer CORS preflights. A trailing slash is optional everywhere.
 */
public final class IngestRoutes {

  /** Tracking API path → the call type it implies (null: the body says). */
  static final Map<String, EventType> TRACKING_PATHS = trackingPaths();

  private final IngestHandler handler;

  public IngestRoutes(
      Workspaces workspaces,
      EventLog eventLog,
      Region region,
      Map<Region, URI> regionEndpoints,
      MeterRegistry registry,
      Responses responses,
      ObjectMapper json,
      Clock clock) {
    SenderAuth auth = new SenderAuth(workspaces, region, regionEndpoints, clock);
    this.handler =
        new IngestHandler(
            auth, new BodyParser(json), new Normalizer(json), new Appender(eventLog, registry),
            responses, clock);
  }

  public void register(RoutesConfig routes) {
    routes.before("/v1/*", IngestRoutes::allowCrossOrigin);
    routes.options("/v1/*", ctx -> ctx.status(204));
    for (Map.Entry<String, EventType> path : TRACKING_PATHS.entrySet()) {
      EventType implied = path.getValue();
      routes.post("/v1/" + path.getKey(), ctx -> handler.handleTracking(ctx, implied));
    }
    routes.post("/v1/{authKey}/{apiKey}", handler::handleNative);
    new CollectorScript().register(routes); // served where its events go: the script's origin is their default host
  }

  private static final String ALLOWED_HEADERS = "Content-Type, Authorization, Content-Encoding, " + Signatures.HEADER;
  /** What a preflight may ask for: header names, comma-separated (RFC 9110 tokens). */
  private static final Pattern HEADER_NAMES = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+(\\s*,\\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*");

  /**
   * Browsers post from the customer's own site; the keys, not the origin, authorize. A preflight
   * is allowed every header it asks for: SDKs add their own (analytics.js {@code X-Retry-Count} on
   * retries, RudderStack's {@code AnonymousId}, {@code SentAt}), and a refused one loses events.
   */
  private static void allowCrossOrigin(Context ctx) {
    ctx.header("Access-Control-Allow-Origin", "*");
    ctx.header("Access-Control-Allow-Methods", "POST, OPTIONS");
    String requested = ctx.header("Access-Control-Request-Headers");
    boolean wellFormed = requested != null && HEADER_NAMES.matcher(requested.strip()).matches();
    ctx.header("Access-Control-Allow-Headers", wellFormed ? requested.strip() : ALLOWED_HEADERS);
    ctx.header("Access-Control-Max-Age", "86400");
  }

  private static Map<String, EventType> trackingPaths() {
    Map<String, EventType> paths = new LinkedHashMap<>();
    paths.put("batch", null);
    paths.put("import", null);
    paths.put("b", null);
    for (EventType type : EventType.values()) {
      paths.put(type.wireName(), type);
      paths.put(type.wireName().substring(0, 1), type);
    }
    return Collections.unmodifiableMap(paths);
  }
}
