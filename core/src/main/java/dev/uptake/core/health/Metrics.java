package dev.uptake.core.health;

import java.util.List;

/** The figures a measure can score, as configurations name them. */
public final class Metrics {

  /** activeUsers30d ÷ the profile's seats dimension, in percent. */
  public static final String SEAT_UTILIZATION = "seatUtilization";
  public static final String ACTIVE_USERS_30D = "activeUsers30d";
  public static final String MODULE_ACTIVE_SECONDS = "moduleActiveSeconds30d.";
  public static final String FEATURE_USERS = "featureUsers30d.";
  public static final String DIMENSION = "dimension.";

  /** Metrics named exactly. */
  public static final List<String> PLAIN = List.of("activeUsers7d", ACTIVE_USERS_30D, "sessions30d", "activeSeconds30d",
      "daysActive30d", "dauMau", "daysSinceLastSeen", "activeSecondsChange30d", SEAT_UTILIZATION);

  /** Metrics named by a prefix and what they are of: a module, a feature, a number dimension. */
  public static final List<String> PREFIXES = List.of(MODULE_ACTIVE_SECONDS, FEATURE_USERS, DIMENSION);

  private Metrics() {}

  public static boolean known(String metric) {
    return PLAIN.contains(metric)
        || PREFIXES.stream().anyMatch(prefix -> metric.startsWith(prefix) && metric.length() > prefix.length());
  }

  /** The names, for an error that lists them. */
  public static String described() {
    return String.join(", ", PLAIN) + ", " + String.join(", ", PREFIXES.stream().map(prefix -> prefix + "<name>").toList());
  }
}
