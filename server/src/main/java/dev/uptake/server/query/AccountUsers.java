package dev.uptake.server.query;

import dev.uptake.core.identity.UserState;
import dev.uptake.core.rollups.ActivityFigures;
import dev.uptake.core.rollups.DayActivity;
import dev.uptake.store.Profiles;
import dev.uptake.store.SettingsStore;
import dev.uptake.store.Usage;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An account's users ranked by activity, with their figures: the one rule behind {@code GET
 * /api/v1/accounts/{id}/users} and the account page's users, so both show the same figures.
 */
public final class AccountUsers {

  /** A user with figures over the windows ending {@code asOf}; {@code rank} is 1 + the users with more active time. */
  public record Ranked(UserState user, ActivityFigures figures, int rank) {}

  /** The ranking, and the day its windows end (yesterday in the workspace's time zone). */
  public record Ranking(LocalDate asOf, List<Ranked> users) {}

  private final Profiles profiles;
  private final Usage usage;
  private final SettingsStore settings;
  private final Clock clock;

  public AccountUsers(Profiles profiles, Usage usage, SettingsStore settings, Clock clock) {
    this.profiles = profiles;
    this.usage = usage;
    this.settings = settings;
    this.clock = clock;
  }

  /** The account's users, most active over the 30 days ending yesterday first; equals share a rank. */
  public Ranking of(long workspaceId, String accountId) {
    LocalDate asOf = LocalDate.ofInstant(clock.instant(), settings.get(workspaceId).timeZone()).minusDays(1);
    List<UserState> users = profiles.usersOf(workspaceId, accountId);
    Map<String, List<DayActivity>> byUser = new HashMap<>();
    for (DayActivity row : usage.activity(workspaceId, Set.of(accountId), users.stream().map(UserState::userId).toList(),
        asOf.minusDays(ActivityFigures.DAYS_READ - 1), asOf)) {
      byUser.computeIfAbsent(row.userId(), user -> new ArrayList<>()).add(row);
    }
    Map<String, ActivityFigures> figures = new HashMap<>();
    users.forEach(user -> figures.put(user.userId(), ActivityFigures.of(byUser.getOrDefault(user.userId(), List.of()), asOf)));
    List<UserState> sorted = new ArrayList<>(users);
    sorted.sort(Comparator.comparingLong((UserState user) -> -figures.get(user.userId()).activeMillis30d())
        .thenComparing(UserState::userId));
    List<Ranked> ranked = new ArrayList<>(sorted.size());
    int rank = 0;
    for (int i = 0; i < sorted.size(); i++) {
      ActivityFigures own = figures.get(sorted.get(i).userId());
      if (i == 0 || own.activeMillis30d() != ranked.get(i - 1).figures().activeMillis30d()) {
        rank = i + 1;
      }
      ranked.add(new Ranked(sorted.get(i), own, rank));
    }
    return new Ranking(asOf, ranked);
  }
}
