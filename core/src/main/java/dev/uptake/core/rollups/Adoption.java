package dev.uptake.core.rollups;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which of an account's users use each module and feature over a range of days. A user uses a
 * module (or feature) with at least one event in it; the account's users who have none are its
 * non-users. Modules and features are those with any cell in the range.
 */
public final class Adoption {

  /** One module's use: its users and non-users, active time, events, and the last day with events. */
  /** @param timeSource whether most of {@code activeMillis} was measured or estimated ({@link Measures#timeSource}) */
  public record ModuleUse(
      String module, int users, int nonUsers, long activeMillis, long events, LocalDate lastUsed, String timeSource) {}

  /**
   * One feature's use; {@code adoption} is its users ÷ the account's active users in the range
   * (null when none was active).
   */
  public record FeatureUse(
      String module, String feature, int users, int nonUsers, long events, LocalDate lastUsed, Double adoption) {}

  private Adoption() {}

  /** @param accountUsers the users linked to the account */
  public static List<ModuleUse> modules(Map<Cell, Measures> cells, Collection<String> accountUsers) {
    Map<String, Use> uses = new TreeMap<>();
    cells.forEach((cell, measures) -> {
      if (!cell.module().equals(Contributions.SESSION_ROW)) {
        uses.computeIfAbsent(cell.module(), module -> new Use()).add(cell, measures);
      }
    });
    List<ModuleUse> modules = new ArrayList<>();
    uses.forEach((module, use) -> modules.add(new ModuleUse(
        module, use.users.size(), use.nonUsers(accountUsers), use.activeMillis, use.events, use.lastUsed,
        new Measures(0, 0, 0, use.activeMillis, use.measuredMillis).timeSource())));
    return modules;
  }

  public static List<FeatureUse> features(Map<Cell, Measures> cells, Collection<String> accountUsers) {
    Map<List<String>, Use> uses = new TreeMap<>((a, b) -> a.get(0).equals(b.get(0))
        ? a.get(1).compareTo(b.get(1)) : a.get(0).compareTo(b.get(0)));
    Set<String> active = new HashSet<>();
    cells.forEach((cell, measures) -> {
      if (measures.events() > 0) {
        active.add(cell.userId());
      }
      if (!cell.feature().isEmpty()) {
        uses.computeIfAbsent(List.of(cell.module(), cell.feature()), key -> new Use()).add(cell, measures);
      }
    });
    List<FeatureUse> features = new ArrayList<>();
    uses.forEach((key, use) -> features.add(new FeatureUse(
        key.get(0), key.get(1), use.users.size(), use.nonUsers(accountUsers), use.events, use.lastUsed,
        active.isEmpty() ? null : (double) use.users.size() / active.size())));
    return features;
  }

  private static final class Use {
    final Set<String> users = new HashSet<>();
    long activeMillis;
    long measuredMillis;
    long events;
    LocalDate lastUsed;

    void add(Cell cell, Measures measures) {
      activeMillis += measures.activeMillis();
      measuredMillis += measures.measuredMillis();
      events += measures.events();
      if (measures.events() > 0) {
        users.add(cell.userId());
        lastUsed = lastUsed == null || cell.day().isAfter(lastUsed) ? cell.day() : lastUsed;
      }
    }

    int nonUsers(Collection<String> accountUsers) {
      int count = 0;
      for (String user : accountUsers) {
        if (!users.contains(user)) {
          count++;
        }
      }
      return count;
    }
  }
}
