package dev.uptake.store;

import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.UserState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Users and accounts of a workspace, as processing last committed them. */
public interface Profiles {

  /** The stored states of those users that exist, by id. */
  Map<String, UserState> users(long workspaceId, Collection<String> userIds);

  Map<String, AccountState> accounts(long workspaceId, Collection<String> accountIds);

  Optional<UserState> user(long workspaceId, String userId);

  Optional<AccountState> account(long workspaceId, String accountId);

  /** The users whose latest link is {@code accountId}, ordered by id. */
  List<UserState> usersOf(long workspaceId, String accountId);

  /**
   * Users and accounts written by processing commits after version {@code afterVersion}, up to
   * {@code upToVersion} ({@link ProcessingLog#version()}).
   */
  ProfileChanges changed(long workspaceId, long afterVersion, long upToVersion);
}
