package dev.uptake.server.http;

import dev.uptake.core.keys.Region;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the workspace of a sender's credentials. Lookups are cached for {@link #TTL_MILLIS}, so a
 * busy sender costs no query per request, while keys made by {@code uptake workspace create} in
 * another process are found on their first use and a rotation's end of grace takes effect within
 * that time. While the store does not answer, keys that worked in the last {@link #STALE_MILLIS}
 * still do, so an ingest node whose log is elsewhere (Kafka) goes on taking their events. A key of another region is told where it belongs (421); any other failure says
 * nothing of which key was wrong (401).
 */
final class SenderAuth {

  static final long TTL_MILLIS = 5_000;
  /** How long known keys are still accepted while the store does not answer. */
  static final long STALE_MILLIS = 10 * 60_000;
  private static final int MAX_CACHED = 10_000;

  /** A lookup's answer, until {@code expiresAt}; {@code verifiedAt}: when the store last gave it. */
  private record Cached(Optional<Workspace> workspace, long expiresAt, long verifiedAt) {}

  private final Workspaces workspaces;
  private final Region region;
  private final Map<Region, URI> regionEndpoints;
  private final Clock clock;
  private final Map<Credentials, Cached> cache = new ConcurrentHashMap<>();

  SenderAuth(Workspaces workspaces, Region region, Map<Region, URI> regionEndpoints, Clock clock) {
    this.workspaces = workspaces;
    this.region = region;
    this.regionEndpoints = Map.copyOf(regionEndpoints);
    this.clock = clock;
  }

  Workspace authenticate(Credentials credentials) {
    Region keyRegion = Region.ofKey(credentials.regionKey()).orElse(region);
    if (keyRegion != region) {
      throw wrongRegion(keyRegion);
    }
    long now = clock.millis();
    Cached cached = cache.get(credentials);
    if (cached == null || cached.expiresAt <= now) {
      if (cache.size() >= MAX_CACHED) {
        cache.clear(); // crude, but bounded: a flood of bad keys cannot grow memory
      }
      Cached stale = cached;
      try {
        cached = new Cached(lookUp(credentials), now + TTL_MILLIS, now);
      } catch (StoreUnavailableException e) {
        if (stale == null || stale.workspace.isEmpty() || stale.verifiedAt + STALE_MILLIS <= now) {
          throw e;
        }
        // The store is down: events still go to the log (Kafka, in a cluster); ask again in TTL_MILLIS.
        cached = new Cached(stale.workspace, now + TTL_MILLIS, stale.verifiedAt);
      }
      cache.put(credentials, cached);
    }
    return cached.workspace.orElseThrow(
        () -> unauthorized("the keys are not valid; copy them again from the IT Administration Center"));
  }

  private Optional<Workspace> lookUp(Credentials credentials) {
    if (credentials instanceof Credentials.EventKeyPair pair) {
      return workspaces.byEventKeys(pair.apiKey(), pair.authKey());
    }
    return workspaces.byWriteKey(((Credentials.WriteKey) credentials).writeKey());
  }

  private ApiError.ApiException wrongRegion(Region keyRegion) {
    URI endpoint = regionEndpoints.get(keyRegion);
    String where =
        endpoint != null
            ? "send events to " + endpoint
            : "send events to the " + keyRegion.id() + " region's Uptake endpoint";
    return ApiError.of(
            421, "wrong_region", "region",
            "this key belongs to the " + keyRegion.id() + " region and this is the " + region.id()
                + " region; " + where)
        .exception();
  }

  static ApiError.ApiException unauthorized(String reason) {
    return ApiError.of(401, "unauthorized", null, reason).exception();
  }
}
