package dev.uptake.core.rollups;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Usage over a range of days, summed from daily cells: totals, per module, per feature, and per
 * day (every day of the range, zeros included, so a chart has no holes).
 *
 * @param activeUsers distinct users with at least one event in the range
 * @param modules module → its time and events; the time of all modules adds up to {@code
 *     durationMillis}
 * @param features (module, feature) → events and distinct users, most used first
 */
public record UsageReport(
    long activeUsers,
    long sessions,
    long durationMillis,
    long activeMillis,
    long events,
    Map<String, Measures> modules,
    List<FeatureUse> features,
    Map<LocalDate, UsageReport> days) {

  /** One feature's use. */
  public record FeatureUse(String module, String feature, long events, long users) {}

  /** The report of {@code cells} over {@code from}..{@code to}; cells outside the range are ignored. */
  public static UsageReport of(Map<Cell, Measures> cells, LocalDate from, LocalDate to) {
    Map<LocalDate, Map<Cell, Measures>> byDay = new TreeMap<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      byDay.put(day, new HashMap<>());
    }
    cells.forEach((cell, measures) -> {
      Map<Cell, Measures> day = byDay.get(cell.day());
      if (day != null) {
        day.merge(cell, measures, Measures::plus);
      }
    });
    Map<LocalDate, UsageReport> days = new TreeMap<>();
    Map<Cell, Measures> all = new HashMap<>();
    byDay.forEach((day, dayCells) -> {
      days.put(day, summary(dayCells, Map.of()));
      all.putAll(dayCells);
    });
    return summary(all, days);
  }

  private static UsageReport summary(Map<Cell, Measures> cells, Map<LocalDate, UsageReport> days) {
    Set<String> users = new HashSet<>();
    Measures total = Measures.ZERO;
    Map<String, Measures> modules = new TreeMap<>();
    Map<List<String>, Measures> featureEvents = new HashMap<>();
    Map<List<String>, Set<String>> featureUsers = new HashMap<>();
    for (Map.Entry<Cell, Measures> entry : cells.entrySet()) {
      Cell cell = entry.getKey();
      Measures measures = entry.getValue();
      total = total.plus(measures);
      if (measures.events() > 0) {
        users.add(cell.userId());
      }
      if (!cell.module().equals(Contributions.SESSION_ROW)) {
        modules.merge(cell.module(), new Measures(measures.events(), 0, measures.durationMillis(), measures.activeMillis(),
            measures.measuredMillis()), Measures::plus);
      }
      if (!cell.feature().isEmpty() && measures.events() > 0) {
        List<String> feature = List.of(cell.module(), cell.feature());
        featureEvents.merge(feature, measures, Measures::plus);
        featureUsers.computeIfAbsent(feature, f -> new HashSet<>()).add(cell.userId());
      }
    }
    List<FeatureUse> features = new ArrayList<>();
    featureEvents.forEach((feature, measures) ->
        features.add(new FeatureUse(feature.get(0), feature.get(1), measures.events(), featureUsers.get(feature).size())));
    features.sort((a, b) -> a.events() != b.events() ? Long.compare(b.events(), a.events())
        : a.module().equals(b.module()) ? a.feature().compareTo(b.feature()) : a.module().compareTo(b.module()));
    return new UsageReport(
        users.size(), total.sessions(), total.durationMillis(), total.activeMillis(), total.events(), modules,
        features, days);
  }
}
