package dev.uptake.core.identity;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The users and accounts one batch of one workspace touches: loaded before the batch, changed in
 * memory while events are applied, and the changed ones written back after. Not thread-safe; one
 * batch, one thread.
 */
public final class WorkingSet {

  private final Map<String, UserState> users;
  private final Map<String, AccountState> accounts;
  private final Map<String, UserState> changedUsers = new LinkedHashMap<>();
  private final Map<String, AccountState> changedAccounts = new LinkedHashMap<>();

  /** @param users and {@code accounts}: the stored states of the ids the batch names */
  public WorkingSet(Map<String, UserState> users, Map<String, AccountState> accounts) {
    this.users = new HashMap<>(users);
    this.accounts = new HashMap<>(accounts);
  }

  /** The user, or a new empty one: a user named by any event exists from then on. */
  public UserState user(String userId) {
    return users.computeIfAbsent(userId, UserState::empty);
  }

  public AccountState account(String accountId) {
    return accounts.computeIfAbsent(accountId, AccountState::empty);
  }

  void put(UserState user) {
    if (!user.equals(users.put(user.userId(), user))) {
      changedUsers.put(user.userId(), user);
    }
  }

  void put(AccountState account) {
    if (!account.equals(accounts.put(account.accountId(), account))) {
      changedAccounts.put(account.accountId(), account);
    }
  }

  public Collection<UserState> changedUsers() {
    return changedUsers.values();
  }

  public Collection<AccountState> changedAccounts() {
    return changedAccounts.values();
  }
}
