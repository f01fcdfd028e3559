package dev.uptake.core.health;

import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An account's module and feature figures over the 30 days ending {@code asOf}: active seconds per
 * module, distinct users per feature. Added to cell by cell; cells outside the window are ignored.
 */
public final class UsageFigures {

  private final LocalDate from;
  private final LocalDate asOf;
  private final Map<String, Long> moduleActiveMillis = new HashMap<>();
  private final Map<String, Set<String>> featureUsers = new HashMap<>();

  public UsageFigures(LocalDate asOf) {
    this.asOf = asOf;
    this.from = asOf.minusDays(29);
  }

  public UsageFigures add(Cell cell, Measures measures) {
    if (cell.day().isBefore(from) || cell.day().isAfter(asOf)) {
      return this;
    }
    moduleActiveMillis.merge(cell.module(), measures.activeMillis(), Long::sum);
    if (!cell.feature().isEmpty() && measures.events() > 0) {
      featureUsers.computeIfAbsent(cell.feature(), feature -> new HashSet<>()).add(cell.userId());
    }
    return this;
  }

  /** Seconds of active time in the module; 0 for one the account did not use. */
  public double moduleActiveSeconds(String module) {
    return moduleActiveMillis.getOrDefault(module, 0L) / 1000.0;
  }

  /** Users who used the feature; 0 for one nobody used. */
  public int featureUsers(String feature) {
    Set<String> users = featureUsers.get(feature);
    return users == null ? 0 : users.size();
  }
}
