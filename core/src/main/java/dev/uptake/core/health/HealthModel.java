package dev.uptake.core.health;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a workspace scores its accounts' health: profiles in order (an account gets the first whose
 * {@link When} matches it), each a weighted mean of groups, each a weighted mean of measures; and
 * the bands the score falls in.
 */
public record HealthModel(Bands bands, List<Profile> profiles) {

  /** A workspace that configured nothing: no account has a score. */
  public static final HealthModel NONE = new HealthModel(Bands.DEFAULT, List.of());

  public HealthModel {
    Objects.requireNonNull(bands, "bands");
    profiles = List.copyOf(profiles);
  }

  /** The first profile that matches an account of {@code tier} and {@code lifecycleStage} (either may be null). */
  public Optional<Profile> profileFor(String tier, String lifecycleStage) {
    return profiles.stream().filter(profile -> profile.when().matches(tier, lifecycleStage)).findFirst();
  }

  /** A score's band, by the score rounded to one decimal. */
  /** What the model's measures name after {@code prefix} (a module, a feature), e.g. {@code featureUsers30d.}. */
  public Set<String> namedAfter(String prefix) {
    Set<String> names = new TreeSet<>();
    for (Profile profile : profiles) {
      for (Group group : profile.groups()) {
        for (Measure measure : group.measures()) {
          if (measure.metric().startsWith(prefix)) {
            names.add(measure.metric().substring(prefix.length()));
          }
        }
      }
    }
    return names;
  }

  public enum Band {
    RED,
    YELLOW,
    GREEN;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code red} at or below {@code red}, {@code yellow} at or below {@code yellow}, else {@code green}. */
  public record Bands(double red, double yellow) {
    public static final Bands DEFAULT = new Bands(30, 70);

    public Band of(double roundedScore) {
      return roundedScore <= red ? Band.RED : roundedScore <= yellow ? Band.YELLOW : Band.GREEN;
    }
  }

  /** Which accounts a profile is for: those whose tier and lifecycle stage are listed; an empty list matches any. */
  public record When(List<String> tiers, List<String> lifecycleStages) {
    public static final When ANY = new When(List.of(), List.of());

    public When {
      tiers = List.copyOf(tiers);
      lifecycleStages = List.copyOf(lifecycleStages);
    }

    boolean matches(String tier, String lifecycleStage) {
      return (tiers.isEmpty() || tiers.contains(tier)) && (lifecycleStages.isEmpty() || lifecycleStages.contains(lifecycleStage));
    }
  }

  /**
   * @param seatsDimension the number dimension that holds an account's seats, for {@code seatUtilization}; or null
   */
  public record Profile(String name, When when, String seatsDimension, List<Group> groups) {
    public Profile {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(when, "when");
      groups = List.copyOf(groups);
    }
  }

  public record Group(String name, double weight, List<Measure> measures) {
    public Group {
      Objects.requireNonNull(name, "name");
      measures = List.copyOf(measures);
    }
  }

  /**
   * A metric scored 0 at or beyond {@code zeroAt} and 100 at or beyond {@code fullAt}, linearly in
   * between; {@code zeroAt > fullAt} scores lower values higher.
   */
  public record Measure(String metric, double zeroAt, double fullAt, double weight) {
    public Measure {
      Objects.requireNonNull(metric, "metric");
    }

    public double score(double value) {
      double linear = (value - zeroAt) / (fullAt - zeroAt) * 100;
      return Math.max(0, Math.min(100, linear));
    }
  }
}
