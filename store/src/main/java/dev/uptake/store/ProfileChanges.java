package dev.uptake.store;

import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.UserState;
import java.util.List;

/** Users and accounts that processing wrote in a span of the log. */
public record ProfileChanges(List<UserState> users, List<AccountState> accounts) {

  public ProfileChanges {
    users = List.copyOf(users);
    accounts = List.copyOf(accounts);
  }
}
