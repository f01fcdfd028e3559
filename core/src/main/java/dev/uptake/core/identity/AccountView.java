package dev.uptake.core.identity;

import java.util.List;
import java.util.Objects;

/**
 * An account as people see it: its own state, plus what its users bring. Identify-sourced
 * dimensions of the users linked to it land on it, and their events that named no account count
 * for its first and last seen times. Computed when read, so a user's link moving between accounts
 * moves these along, whatever the order events arrived in.
 */
public record AccountView(AccountState account, Fields dimensions, Activity activity) {

  public AccountView {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(dimensions, "dimensions");
    Objects.requireNonNull(activity, "activity");
  }

  /** @param linkedUsers the users whose latest link is this account */
  public static AccountView of(AccountState account, List<UserState> linkedUsers) {
    Fields dimensions = account.dimensions();
    Activity activity = account.activity();
    for (UserState user : linkedUsers) {
      dimensions = dimensions.merge(user.dimensions());
      activity = activity.merge(user.unattributedActivity());
    }
    return new AccountView(account, dimensions, activity);
  }
}
