package dev.uptake.store.jdbc;

import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.ProfileJson;
import dev.uptake.core.identity.UserState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Users and accounts merged with what another process may have committed since this one read
 * them (PostgreSQL, where several write). One upsert per table inserts the rows that are new, with
 * their state as computed, and locks the ones that exist, in key order, without writing them
 * ({@code DO UPDATE … WHERE false} locks the row and changes nothing); a read then gives the
 * locked rows' stored states. Each is merged field by field with the new one (the later event wins
 * each field, activity spans both) and is what remains to be written.
 */
final class MergedProfiles {

  private static final String LOCK_USERS =
      "INSERT INTO users AS u (workspace_id, user_id, account_id, state, updated_version)"
          + " SELECT ?, id, account, state, ? FROM unnest(?::text[], ?::text[], ?::text[]) AS t (id, account, state)"
          + " ORDER BY id ON CONFLICT (workspace_id, user_id) DO UPDATE SET state = u.state WHERE false RETURNING u.user_id";
  private static final String LOCK_ACCOUNTS =
      "INSERT INTO accounts AS a (workspace_id, account_id, state, updated_version)"
          + " SELECT ?, id, state, ? FROM unnest(?::text[], ?::text[]) AS t (id, state)"
          + " ORDER BY id ON CONFLICT (workspace_id, account_id) DO UPDATE SET state = a.state WHERE false RETURNING a.account_id";

  private final ProfileJson json;

  MergedProfiles(ProfileJson json) {
    this.json = json;
  }

  /** Inserts those of {@code users} that are new; returns the others, each merged with its stored state, to write. */
  List<UserState> users(Connection connection, long workspaceId, List<UserState> users, long version) throws SQLException {
    if (users.isEmpty()) {
      return users;
    }
    Set<String> inserted;
    try (PreparedStatement lock = connection.prepareStatement(LOCK_USERS)) {
      lock.setLong(1, workspaceId);
      lock.setLong(2, version);
      lock.setArray(3, connection.createArrayOf("text", users.stream().map(UserState::userId).toArray()));
      lock.setArray(4, connection.createArrayOf("text", users.stream().map(UserState::accountId).toArray()));
      lock.setArray(5, connection.createArrayOf("text", users.stream().map(json::write).toArray()));
      inserted = ids(lock);
    }
    List<UserState> existing = users.stream().filter(user -> !inserted.contains(user.userId())).toList();
    Map<String, String> stored = stored(connection, "SELECT user_id, state FROM users WHERE workspace_id = ? AND user_id = ANY (?)",
        workspaceId, existing.stream().map(UserState::userId).toArray());
    return existing.stream().map(user -> json.readUser(user.userId(), stored.get(user.userId())).merge(user)).toList();
  }

  /** Inserts those of {@code accounts} that are new; returns the others, each merged with its stored state, to write. */
  List<AccountState> accounts(Connection connection, long workspaceId, List<AccountState> accounts, long version)
      throws SQLException {
    if (accounts.isEmpty()) {
      return accounts;
    }
    Set<String> inserted;
    try (PreparedStatement lock = connection.prepareStatement(LOCK_ACCOUNTS)) {
      lock.setLong(1, workspaceId);
      lock.setLong(2, version);
      lock.setArray(3, connection.createArrayOf("text", accounts.stream().map(AccountState::accountId).toArray()));
      lock.setArray(4, connection.createArrayOf("text", accounts.stream().map(json::write).toArray()));
      inserted = ids(lock);
    }
    List<AccountState> existing = accounts.stream().filter(account -> !inserted.contains(account.accountId())).toList();
    Map<String, String> stored = stored(connection,
        "SELECT account_id, state FROM accounts WHERE workspace_id = ? AND account_id = ANY (?)",
        workspaceId, existing.stream().map(AccountState::accountId).toArray());
    return existing.stream()
        .map(account -> json.readAccount(account.accountId(), stored.get(account.accountId())).merge(account)).toList();
  }

  /** The ids the upsert returned: the rows it inserted. */
  private static Set<String> ids(PreparedStatement lock) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (ResultSet rows = lock.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }

  /** id → stored state of the locked rows {@code ids}: none can change before this transaction ends. */
  private static Map<String, String> stored(Connection connection, String sql, long workspaceId, Object[] ids)
      throws SQLException {
    Map<String, String> stored = new HashMap<>();
    if (ids.length == 0) {
      return stored;
    }
    try (PreparedStatement read = connection.prepareStatement(sql)) {
      read.setLong(1, workspaceId);
      read.setArray(2, connection.createArrayOf("text", ids));
      try (ResultSet rows = read.executeQuery()) {
        while (rows.next()) {
          stored.put(rows.getString(1), rows.getString(2));
        }
      }
    }
    return stored;
  }
}
