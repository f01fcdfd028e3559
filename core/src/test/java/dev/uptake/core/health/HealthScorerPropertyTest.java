package dev.uptake.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scoring rules against a computation written the other way round: a score is 100 minus the
 * points each measure loses, (100 − its score) × its share of the weight, shares taken among the
 * measures and groups that have values. Random models and figures, per seed.
 */
class HealthScorerPropertyTest {

  static final List<String> METRICS = List.of("activeUsers7d", "activeUsers30d", "sessions30d", "daysSinceLastSeen",
      "dimension.seats", "featureUsers30d.Export", "dauMau");

  record Case(HealthModel model, Map<String, Double> figures) {
    HealthScorer.Figures lookup() {
      return metric -> figures.containsKey(metric) ? OptionalDouble.of(figures.get(metric)) : OptionalDouble.empty();
    }
  }

  static Case randomCase(Random random) {
    List<HealthModel.Group> groups = new ArrayList<>();
    for (int g = 0, n = 1 + random.nextInt(4); g < n; g++) {
      List<HealthModel.Measure> measures = new ArrayList<>();
      for (int m = 0, k = 1 + random.nextInt(4); m < k; m++) {
        double zeroAt = random.nextInt(50);
        double fullAt = random.nextBoolean() ? zeroAt + 1 + random.nextInt(50) : Math.max(0, zeroAt - 1 - random.nextInt(50)) - 1;
        measures.add(new HealthModel.Measure(METRICS.get(random.nextInt(METRICS.size())), zeroAt, fullAt,
            random.nextBoolean() ? 1 : 0.5 + random.nextInt(5)));
      }
      groups.add(new HealthModel.Group("g" + g, 0.5 + random.nextInt(5), measures));
    }
    HealthModel model = new HealthModel(new HealthModel.Bands(30, 70),
        List.of(new HealthModel.Profile("P", HealthModel.When.ANY, null, groups)));
    Map<String, Double> figures = new HashMap<>();
    for (String metric : METRICS) {
      if (random.nextInt(4) > 0) { // a quarter of the metrics have no value
        figures.put(metric, random.nextDouble() * 120 - 10);
      }
    }
    return new Case(model, figures);
  }

  /** 100 minus the points lost, or null without any value. */
  static Double pointsLostWay(Case c) {
    List<HealthModel.Group> groups = c.model().profiles().get(0).groups();
    double groupWeights = 0;
    for (HealthModel.Group group : groups) {
      if (group.measures().stream().anyMatch(m -> c.figures().containsKey(m.metric()))) {
        groupWeights += group.weight();
      }
    }
    if (groupWeights == 0) {
      return null;
    }
    double lost = 0;
    for (HealthModel.Group group : groups) {
      double measureWeights = group.measures().stream().filter(m -> c.figures().containsKey(m.metric()))
          .mapToDouble(HealthModel.Measure::weight).sum();
      for (HealthModel.Measure measure : group.measures()) {
        Double value = c.figures().get(measure.metric());
        if (value == null) {
          continue;
        }
        double fraction = (value - measure.zeroAt()) / (measure.fullAt() - measure.zeroAt());
        double score = 100 * (fraction < 0 ? 0 : fraction > 1 ? 1 : fraction);
        lost += (100 - score) * (group.weight() / groupWeights) * (measure.weight() / measureWeights);
      }
    }
    return 100 - lost;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void scoresAreAHundredMinusThePointsEachMeasureLoses(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 500; i++) {
      Case c = randomCase(random);
      Double expected = pointsLostWay(c);
      var scored = HealthScorer.score(c.model(), null, null, c.lookup());
      if (expected == null) {
        assertThat(scored).as("no value, no score").isEmpty();
        continue;
      }
      HealthScorer.Score score = scored.orElseThrow();
      assertThat(score.score()).isCloseTo(expected, within(0.05 + 1e-9)).isBetween(0.0, 100.0);
      assertThat(score.band()).isEqualTo(score.score() <= 30 ? HealthModel.Band.RED
          : score.score() <= 70 ? HealthModel.Band.YELLOW : HealthModel.Band.GREEN);
      if (score.detractor() != null) {
        assertThat(score.detractor().pointsLost()).isLessThanOrEqualTo(100 - expected + 0.05);
      } else {
        assertThat(score.score()).isEqualTo(100.0);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void aMeasureWithoutAValueLeavesTheScoreAsIfItWereNotThere(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 300; i++) {
      Case c = randomCase(random);
      HealthModel.Profile profile = c.model().profiles().get(0);
      List<HealthModel.Group> more = new ArrayList<>();
      for (HealthModel.Group group : profile.groups()) {
        List<HealthModel.Measure> measures = new ArrayList<>(group.measures());
        measures.add(new HealthModel.Measure("dimension.never", 0, 10, 1 + random.nextInt(5)));
        more.add(new HealthModel.Group(group.name(), group.weight(), measures));
      }
      more.add(new HealthModel.Group("empty", 3, List.of(new HealthModel.Measure("dimension.never", 0, 1, 1))));
      HealthModel withMissing = new HealthModel(c.model().bands(),
          List.of(new HealthModel.Profile("P", HealthModel.When.ANY, null, more)));
      assertThat(HealthScorer.score(withMissing, null, null, c.lookup()).map(HealthScorer.Score::score))
          .isEqualTo(HealthScorer.score(c.model(), null, null, c.lookup()).map(HealthScorer.Score::score));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23})
  void swappingZeroAtAndFullAtMirrorsAMeasuresScore(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 1_000; i++) {
      double zeroAt = random.nextInt(100) - 20;
      double fullAt = zeroAt + (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(60));
      double value = random.nextDouble() * 200 - 50;
      double score = new HealthModel.Measure("dauMau", zeroAt, fullAt, 1).score(value);
      double mirrored = new HealthModel.Measure("dauMau", fullAt, zeroAt, 1).score(value);
      assertThat(score + mirrored).isCloseTo(100, within(1e-9));
      assertThat(score).isBetween(0.0, 100.0);
      if ((value - zeroAt) * (fullAt - zeroAt) <= 0) {
        assertThat(score).as("at or beyond zeroAt").isZero();
      }
    }
  }
}
