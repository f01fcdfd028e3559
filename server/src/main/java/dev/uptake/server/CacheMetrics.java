package dev.uptake.server;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** A cache's share of the memory budget in {@code /metrics}: what it holds, its bound, hits, misses, evictions. */
final class CacheMetrics {

  private CacheMetrics() {}

  /**
   * Registers the cache {@code source}; Micrometer holds it weakly, so it must be the cache the
   * process keeps, not a view made for this.
   */
  static <T> void register(
      MeterRegistry registry, String cache, T source, Function<T, CacheStats> stats, ToDoubleFunction<T> bytesHeld,
      long maxBytes) {
    Gauge.builder("uptake.cache.bytes", source, bytesHeld)
        .description("estimated bytes a cache holds").tag("cache", cache).baseUnit("bytes").register(registry);
    Gauge.builder("uptake.cache.max.bytes", () -> maxBytes).strongReference(true)
        .description("a cache's share of the memory budget (--cache-memory)").tag("cache", cache).baseUnit("bytes")
        .register(registry);
    FunctionCounter.builder("uptake.cache.hits", source, s -> stats.apply(s).hitCount()).tag("cache", cache)
        .register(registry);
    FunctionCounter.builder("uptake.cache.misses", source, s -> stats.apply(s).missCount()).tag("cache", cache)
        .register(registry);
    FunctionCounter.builder("uptake.cache.evictions", source, s -> stats.apply(s).evictionCount()).tag("cache", cache)
        .description("entries a cache dropped to stay within its share of the memory budget").register(registry);
  }
}
