package dev.uptake.store.jdbc;

import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.ProfileJson;
import dev.uptake.core.identity.UserState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;

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
  private static final String READ_USERS = "SELECT user_id, state FROM users WHERE workspace_id = ? AND user_id = ANY (?)";
  private static final String LOCK_ACCOUNTS =
      "INSERT INTO accounts AS a (workspace_id, account_id, state, updated_version)"
          + " SELECT ?, id, state, ? FROM unnest(?::text[], ?::text[]) AS t (id, state)"
          + " ORDER BY id ON CONFLICT (workspace_id, account_id) DO UPDATE SET state = a.state WHERE false RETURNING a.account_id";
  private static final String READ_ACCOUNTS =
      "SELECT account_id, state FROM accounts WHERE workspace_id = ? AND account_id = ANY (?)";

  private final ProfileJson json;

  MergedProfiles(ProfileJson json) {
    this.json = json;
  }

  /** Inserts those of {@code users} that are new; returns the others, each merged with its stored state, to write. */
  List<UserState> users(Connection connection, long workspaceId, List<UserState> users, long version) throws SQLException {
    return merged(connection, LOCK_USERS, READ_USERS, workspaceId, version, users, UserState::userId,
        List.of(UserState::userId, UserState::accountId, json::write), json::readUser, UserState::merge);
  }

  /** Inserts those of {@code accounts} that are new; returns the others, each merged with its stored state, to write. */
  List<AccountState> accounts(Connection connection, long workspaceId, List<AccountState> accounts, long version)
      throws SQLException {
    return merged(connection, LOCK_ACCOUNTS, READ_ACCOUNTS, workspaceId, version, accounts, AccountState::accountId,
        List.of(AccountState::accountId, json::write), json::readAccount, AccountState::merge);
  }

  /**
   * Runs {@code lock} (its columns as text arrays after the workspace and version), which inserts
   * the new states and locks the existing rows, then reads the locked rows with {@code read}: no
   * other writer can change them before this transaction ends. Returns the existing ones merged.
   */
  private static <T> List<T> merged(Connection connection, String lock, String read, long workspaceId, long version,
      List<T> states, Function<T, String> id, List<Function<T, Object>> columns, BiFunction<String, String, T> parse,
      BinaryOperator<T> merge) throws SQLException {
    if (states.isEmpty()) {
      return states;
    }
    List<Object> parameters = new ArrayList<>(List.of(workspaceId, version));
    for (Function<T, Object> column : columns) {
      parameters.add(connection.createArrayOf("text", states.stream().map(column).toArray()));
    }
    Set<String> inserted = new HashSet<>();
    Sql.query(connection, lock, rows -> inserted.add(rows.getString(1)), parameters.toArray());
    List<T> existing = states.stream().filter(state -> !inserted.contains(id.apply(state))).toList();
    if (existing.isEmpty()) {
      return existing;
    }
    Map<String, String> stored = new HashMap<>();
    Sql.query(connection, read, rows -> stored.put(rows.getString(1), rows.getString(2)), workspaceId,
        connection.createArrayOf("text", existing.stream().map(id).toArray()));
    return existing.stream().map(state -> merge.apply(parse.apply(id.apply(state), stored.get(id.apply(state))), state))
        .toList();
  }
}
