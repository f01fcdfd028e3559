package dev.uptake.core.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Scores an account under a {@link HealthModel}. A measure whose metric has no value for the
 * account is left out and its weight shared by the rest of its group, and a group without values
 * is left out the same way; without any value there is no score.
 */
public final class HealthScorer {

  /** An account's figures by metric name; empty where it has none (no seats dimension, never seen). */
  @FunctionalInterface
  public interface Figures {
    OptionalDouble value(String metric);
  }

  public record MeasureScore(String metric, double value, double score) {}

  public record GroupScore(String name, double score) {}

  /** The measure that costs the score the most points: (100 − its score) × its share of the weight. */
  public record Detractor(String metric, double score, double pointsLost) {}

  /**
   * @param score 0–100, rounded to one decimal
   * @param groups the groups that had values, in order
   * @param measures the measures that had values, in order
   * @param detractor null when no measure costs anything
   */
  public record Score(
      double score, HealthModel.Band band, String profile, List<GroupScore> groups, List<MeasureScore> measures,
      Detractor detractor) {}

  private HealthScorer() {}

  /** The account's score, or empty when no profile matches it or none of its measures has a value. */
  public static Optional<Score> score(HealthModel model, String tier, String lifecycleStage, Figures figures) {
    Optional<HealthModel.Profile> matched = model.profileFor(tier, lifecycleStage);
    if (matched.isEmpty()) {
      return Optional.empty();
    }
    HealthModel.Profile profile = matched.get();
    List<Scored> groups = new ArrayList<>();
    for (HealthModel.Group group : profile.groups()) {
      List<Measured> measures = new ArrayList<>();
      for (HealthModel.Measure measure : group.measures()) {
        OptionalDouble value = value(profile, measure.metric(), figures);
        if (value.isPresent()) {
          measures.add(new Measured(measure, value.getAsDouble(), measure.score(value.getAsDouble())));
        }
      }
      if (!measures.isEmpty()) {
        double weights = measures.stream().mapToDouble(m -> m.measure.weight()).sum();
        double score = measures.stream().mapToDouble(m -> m.score * m.measure.weight()).sum() / weights;
        groups.add(new Scored(group, measures, weights, score));
      }
    }
    if (groups.isEmpty()) {
      return Optional.empty();
    }
    double groupWeights = groups.stream().mapToDouble(g -> g.group.weight()).sum();
    double total = groups.stream().mapToDouble(g -> g.score * g.group.weight()).sum() / groupWeights;
    Detractor detractor = null;
    List<GroupScore> groupScores = new ArrayList<>();
    List<MeasureScore> measureScores = new ArrayList<>();
    for (Scored group : groups) {
      groupScores.add(new GroupScore(group.group.name(), round(group.score)));
      for (Measured measured : group.measures) {
        measureScores.add(new MeasureScore(measured.measure.metric(), measured.value, round(measured.score)));
        double share = group.group.weight() / groupWeights * measured.measure.weight() / group.weights;
        double lost = (100 - measured.score) * share;
        if (lost > 0 && (detractor == null || lost > detractor.pointsLost())) {
          detractor = new Detractor(measured.measure.metric(), round(measured.score), lost);
        }
      }
    }
    double rounded = round(total);
    return Optional.of(new Score(rounded, model.bands().of(rounded), profile.name(), groupScores, measureScores,
        detractor == null ? null : new Detractor(detractor.metric(), detractor.score(), round(detractor.pointsLost()))));
  }

  /** A metric's value for the account; seat utilization from active users and the profile's seats dimension. */
  private static OptionalDouble value(HealthModel.Profile profile, String metric, Figures figures) {
    if (!metric.equals(Metrics.SEAT_UTILIZATION)) {
      return figures.value(metric);
    }
    return seatUtilization(profile.seatsDimension(), figures);
  }

  /** Active users of the last 30 days ÷ the number dimension {@code seatsDimension}, in percent; empty without seats. */
  public static OptionalDouble seatUtilization(String seatsDimension, Figures figures) {
    if (seatsDimension == null) {
      return OptionalDouble.empty();
    }
    OptionalDouble seats = figures.value(Metrics.DIMENSION + seatsDimension);
    OptionalDouble active = figures.value(Metrics.ACTIVE_USERS_30D);
    if (seats.isEmpty() || active.isEmpty() || seats.getAsDouble() <= 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(active.getAsDouble() / seats.getAsDouble() * 100);
  }

  /** One decimal, halves up (scores are never negative): what bands are decided on and what the API shows. */
  static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }

  private record Measured(HealthModel.Measure measure, double value, double score) {}

  private record Scored(HealthModel.Group group, List<Measured> measures, double weights, double score) {}
}
