package dev.uptake.store.jdbc;

import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.ProfileJson;
import dev.uptake.core.identity.UserState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Users and accounts merged with what another process may have committed since this one read
 * them (PostgreSQL, where several write): one upsert per table inserts the rows that are new and
 * locks the ones that exist, in key order, returning their stored state; the state to write is
 * the stored one merged field by field with the new one (the later event wins each field,
 * activity spans both). A row nobody else touched merges to the state as computed.
 */
final class MergedProfiles {

  private static final String LOCK_USERS =
      "INSERT INTO users AS u (workspace_id, user_id, account_id, state, updated_version)"
          + " SELECT ?, id, account, state, 0 FROM unnest(?::text[], ?::text[], ?::text[]) AS t (id, account, state)"
          + " ORDER BY id ON CONFLICT (workspace_id, user_id) DO UPDATE SET state = u.state RETURNING u.user_id, u.state";
  private static final String LOCK_ACCOUNTS =
      "INSERT INTO accounts AS a (workspace_id, account_id, state, updated_version)"
          + " SELECT ?, id, state, 0 FROM unnest(?::text[], ?::text[]) AS t (id, state)"
          + " ORDER BY id ON CONFLICT (workspace_id, account_id) DO UPDATE SET state = a.state RETURNING a.account_id, a.state";

  private final ProfileJson json;

  MergedProfiles(ProfileJson json) {
    this.json = json;
  }

  /** {@code users}, each merged with its stored state. */
  List<UserState> users(Connection connection, long workspaceId, List<UserState> users) throws SQLException {
    if (users.isEmpty()) {
      return users;
    }
    List<String> written = users.stream().map(json::write).toList();
    Map<String, String> stored;
    try (PreparedStatement lock = connection.prepareStatement(LOCK_USERS)) {
      lock.setLong(1, workspaceId);
      lock.setArray(2, connection.createArrayOf("text", users.stream().map(UserState::userId).toArray()));
      lock.setArray(3, connection.createArrayOf("text", users.stream().map(UserState::accountId).toArray()));
      lock.setArray(4, connection.createArrayOf("text", written.toArray()));
      stored = stored(lock);
    }
    List<UserState> merged = new ArrayList<>(users.size());
    for (int i = 0; i < users.size(); i++) {
      UserState user = users.get(i);
      String before = stored.get(user.userId());
      merged.add(before.equals(written.get(i)) ? user : json.readUser(user.userId(), before).merge(user));
    }
    return merged;
  }

  List<AccountState> accounts(Connection connection, long workspaceId, List<AccountState> accounts) throws SQLException {
    if (accounts.isEmpty()) {
      return accounts;
    }
    List<String> written = accounts.stream().map(json::write).toList();
    Map<String, String> stored;
    try (PreparedStatement lock = connection.prepareStatement(LOCK_ACCOUNTS)) {
      lock.setLong(1, workspaceId);
      lock.setArray(2, connection.createArrayOf("text", accounts.stream().map(AccountState::accountId).toArray()));
      lock.setArray(3, connection.createArrayOf("text", written.toArray()));
      stored = stored(lock);
    }
    List<AccountState> merged = new ArrayList<>(accounts.size());
    for (int i = 0; i < accounts.size(); i++) {
      AccountState account = accounts.get(i);
      String before = stored.get(account.accountId());
      merged.add(before.equals(written.get(i)) ? account : json.readAccount(account.accountId(), before).merge(account));
    }
    return merged;
  }

  /** The returned rows: id → stored state (the new one where the row was inserted). */
  private static Map<String, String> stored(PreparedStatement lock) throws SQLException {
    Map<String, String> stored = new HashMap<>();
    try (ResultSet rows = lock.executeQuery()) {
      while (rows.next()) {
        stored.put(rows.getString(1), rows.getString(2));
      }
    }
    return stored;
  }
}
