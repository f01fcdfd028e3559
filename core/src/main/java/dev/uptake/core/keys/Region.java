package dev.uptake.core.keys;

import java.util.Locale;
import java.util.Optional;

/** A datacenter region. A deployment serves one; every key carries its own. */
public enum Region {
  US,
  EU;

  /** The lower-case name used in keys, flags and JSON: {@code us}, {@code eu}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The region named {@code id} ({@code us}, {@code eu}; any case), if any. */
  public static Optional<Region> fromId(String id) {
    for (Region region : values()) {
      if (region.id().equalsIgnoreCase(id)) {
        return Optional.of(region);
      }
    }
    return Optional.empty();
  }

  /** The region a key was issued in, read from its prefix; empty for a string of no key format. */
  public static Optional<Region> ofKey(String key) {
    int end = key == null ? -1 : key.indexOf('_');
    return end <= 0 ? Optional.empty() : fromId(key.substring(0, end));
  }
}
