package dev.uptake.core.rollups;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The figures of some activity (an account's, or one user's in it) over trailing windows that end
 * with {@code asOf} (yesterday in the workspace's time zone, so a partial day does not drag them
 * down): the last 7 and 30 days, and the 30 days before those for the trend.
 *
 * @param trend active time of the last 30 days ÷ that of the 30 before; null when those had less than
 *     a tenth of the last 30 days' (none included): too little to compare against, the account is new
 *     or back, and a ratio would say +40,000% (so the trend is never above 10)
 * @param dauMau average daily active users over the 30 days ÷ active users over them; null when none
 */
public record ActivityFigures(
    LocalDate asOf,
    int activeUsers7d,
    int activeUsers30d,
    long sessions30d,
    long activeMillis30d,
    int daysActive30d,
    Double trend,
    Double dauMau) {

  /** The trend compares with the 30 days before only when they had at least 1 / this of the last 30 days' time. */
  public static final int COMPARABLE = 10;

  /** The days of activity {@link #of} reads: the 60 days ending with {@code asOf}. */
  public static final int DAYS_READ = 60;

  public static ActivityFigures none(LocalDate asOf) {
    return new ActivityFigures(asOf, 0, 0, 0, 0, 0, null, null);
  }

  /** @param activity the rows, of any days (an account's: its own and its linked users' account-less ones) */
  public static ActivityFigures of(Iterable<DayActivity> activity, LocalDate asOf) {
    LocalDate from30 = asOf.minusDays(29);
    LocalDate from7 = asOf.minusDays(6);
    LocalDate fromPrevious = asOf.minusDays(DAYS_READ - 1);
    Set<String> users7 = new HashSet<>();
    Set<String> users30 = new HashSet<>();
    Map<LocalDate, Set<String>> usersByDay = new HashMap<>();
    long sessions = 0;
    long active = 0;
    long activePrevious = 0;
    for (DayActivity row : activity) {
      if (row.day().isAfter(asOf) || row.day().isBefore(fromPrevious)) {
        continue;
      }
      if (row.day().isBefore(from30)) {
        activePrevious += row.activeMillis();
        continue;
      }
      sessions += row.sessions();
      active += row.activeMillis();
      if (row.events() > 0) {
        users30.add(row.userId());
        usersByDay.computeIfAbsent(row.day(), day -> new HashSet<>()).add(row.userId());
        if (!row.day().isBefore(from7)) {
          users7.add(row.userId());
        }
      }
    }
    int userDays = usersByDay.values().stream().mapToInt(Set::size).sum();
    return new ActivityFigures(
        asOf, users7.size(), users30.size(), sessions, active, usersByDay.size(),
        activePrevious == 0 || activePrevious * COMPARABLE < active ? null : (double) active / activePrevious,
        users30.isEmpty() ? null : userDays / 30.0 / users30.size());
  }
}
