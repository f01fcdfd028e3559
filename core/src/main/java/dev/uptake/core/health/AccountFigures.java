package dev.uptake.core.health;

import dev.uptake.core.identity.Fields;
import dev.uptake.core.rollups.ActivityFigures;
import java.util.OptionalDouble;

/**
 * What the health metrics read of one account: its activity figures (windows ending {@code
 * activity.asOf()}), the whole days since it was last seen, its module and feature figures over
 * the same 30 days, and its dimensions. The accounts list and the preview both score these.
 *
 * @param daysSinceLastSeen null when it was never seen
 */
public record AccountFigures(ActivityFigures activity, Long daysSinceLastSeen, UsageFigures usage, Fields dimensions)
    implements HealthScorer.Figures {

  @Override
  public OptionalDouble value(String metric) {
    return switch (metric) {
      case "activeUsers7d" -> OptionalDouble.of(activity.activeUsers7d());
      case "activeUsers30d" -> OptionalDouble.of(activity.activeUsers30d());
      case "sessions30d" -> OptionalDouble.of(activity.sessions30d());
      case "activeSeconds30d" -> OptionalDouble.of(activity.activeMillis30d() / 1000.0);
      case "daysActive30d" -> OptionalDouble.of(activity.daysActive30d());
      case "dauMau" -> activity.dauMau() == null ? OptionalDouble.empty() : OptionalDouble.of(activity.dauMau());
      case "activeSecondsChange30d" ->
          activity.trend() == null ? OptionalDouble.empty() : OptionalDouble.of((activity.trend() - 1) * 100);
      case "daysSinceLastSeen" -> daysSinceLastSeen == null ? OptionalDouble.empty() : OptionalDouble.of(daysSinceLastSeen);
      default -> prefixed(metric);
    };
  }

  private OptionalDouble prefixed(String metric) {
    if (metric.startsWith(Metrics.MODULE_ACTIVE_SECONDS)) {
      return OptionalDouble.of(usage.moduleActiveSeconds(metric.substring(Metrics.MODULE_ACTIVE_SECONDS.length())));
    }
    if (metric.startsWith(Metrics.FEATURE_USERS)) {
      return OptionalDouble.of(usage.featureUsers(metric.substring(Metrics.FEATURE_USERS.length())));
    }
    if (metric.startsWith(Metrics.DIMENSION)) {
      return dimensions.value(metric.substring(Metrics.DIMENSION.length())).filter(node -> node.isNumber())
          .map(node -> OptionalDouble.of(node.asDouble())).orElse(OptionalDouble.empty());
    }
    return OptionalDouble.empty();
  }
}
