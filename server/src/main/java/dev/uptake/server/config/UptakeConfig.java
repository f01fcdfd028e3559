package dev.uptake.server.config;

import dev.uptake.core.keys.Region;
import dev.uptake.store.StoreConfig;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a node needs to start.
 *
 * @param http where to listen
 * @param store where the data lives
 * @param region the datacenter region this deployment serves
 * @param regionEndpoints the ingestion endpoints of other regions' deployments, named to senders
 *     whose key belongs there
 * @param memory the bound on what the process's caches hold
 * @param discardEvents benchmarks only: parse, authenticate and validate, then drop instead of
 *     storing, to measure the ceiling of everything but the store
 * @param cluster this node's part in a cluster on Kafka; empty for the embedded runtime
 */
public record UptakeConfig(
    HttpConfig http, StoreConfig store, Region region, Map<Region, URI> regionEndpoints, MemoryBudget memory,
    boolean discardEvents, Optional<Cluster> cluster) {

  /** The configuration of a normal server with the default memory budget. */
  public UptakeConfig(HttpConfig http, StoreConfig store, Region region, Map<Region, URI> regionEndpoints) {
    this(http, store, region, regionEndpoints, MemoryBudget.defaults(), false, Optional.empty());
  }

  public UptakeConfig {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(cluster, "cluster");
    if (cluster.isPresent() && store.database() == null) {
      throw new IllegalArgumentException("a cluster node keeps its state in PostgreSQL: give --database");
    }
    regionEndpoints = Map.copyOf(regionEndpoints);
  }

  /**
   * Where to listen.
   *
   * @param port 0 picks a free port
   */
  public record HttpConfig(String host, int port) {
    public static final int DEFAULT_PORT = 8080;

    public HttpConfig {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("http.port must be between 0 and 65535, was " + port);
      }
    }
  }
}
