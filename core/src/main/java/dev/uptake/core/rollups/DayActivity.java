package dev.uptake.core.rollups;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A user's activity on one day under one account key: the daily cells summed over modules and
 * features.
 *
 * @param accountKey the account its events named, or "" when they named none (they then count for
 *     the user's linked account)
 */
public record DayActivity(String accountKey, String userId, LocalDate day, long events, long sessions, long activeMillis) {

  public DayActivity {
    Objects.requireNonNull(accountKey, "accountKey");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(day, "day");
  }
}
