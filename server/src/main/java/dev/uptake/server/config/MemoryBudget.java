package dev.uptake.server.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one bound on what this process's caches hold: stored sessions and users and accounts the
 * processor keeps ({@code SessionCache}, {@code ProfileCache}) and the accounts lists' workspaces
 * ({@code AccountDirectory}), each weighing its entries in estimated bytes and evicting beyond its
 * share, and the store's page caches (SQLite's, outside the Java heap).
 *
 * @param cacheBytes estimated bytes all caches together may hold
 */
public record MemoryBudget(long cacheBytes) {

  /** Never less than this, however small the heap: below it every list would be rebuilt on each read. */
  static final long MIN_BYTES = 16L << 20;
  /** The default, never more than this: caches beyond it buy little and cost the resident memory. */
  static final long DEFAULT_MAX_BYTES = 512L << 20;

  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*([kmg]?)b?");

  public MemoryBudget {
    if (cacheBytes < MIN_BYTES) {
      throw new IllegalArgumentException("cache memory must be at least 16m, was " + cacheBytes + " bytes");
    }
  }

  /** A quarter of the maximum heap, at most 512 MiB: the rest is for requests, batches and the store. */
  public static MemoryBudget forHeap(long maxHeapBytes) {
    return new MemoryBudget(Math.max(MIN_BYTES, Math.min(DEFAULT_MAX_BYTES, maxHeapBytes / 4)));
  }

  /** The default for this JVM's heap ({@code -Xmx}). */
  public static MemoryBudget defaults() {
    return forHeap(Runtime.getRuntime().maxMemory());
  }

  /** A size as {@code 256m}, {@code 1g}, {@code 65536k} or bytes. */
  public static MemoryBudget parse(String text) {
    Matcher matcher = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("cache memory must be a size such as 256m or 1g, was '" + text + "'");
    }
    long shift = switch (matcher.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      default -> 0;
    };
    return new MemoryBudget(Long.parseLong(matcher.group(1)) << shift);
  }

  /** The processor's session cache: a quarter. */
  public long sessionBytes() {
    return cacheBytes / 4;
  }

  /** The processor's users and accounts: an eighth. */
  public long profileBytes() {
    return cacheBytes / 8;
  }

  /** The accounts lists' workspaces: three eighths. */
  public long directoryBytes() {
    return cacheBytes / 8 * 3;
  }

  /** The store's page caches: the rest, a quarter. */
  public long storeBytes() {
    return cacheBytes - sessionBytes() - profileBytes() - directoryBytes();
  }
}
