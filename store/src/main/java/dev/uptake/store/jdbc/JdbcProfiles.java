package dev.uptake.store.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.ProfileJson;
import dev.uptake.core.identity.UserState;
import dev.uptake.store.ProfileChanges;
import dev.uptake.store.Profiles;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** Users and accounts read from their JSON states. */
public final class JdbcProfiles implements Profiles {

  private final DataSource pool;
  private final ProfileJson profiles;
  private final String usersOf;
  private final Dialect dialect;

  public JdbcProfiles(DataSource pool, ObjectMapper json, Dialect dialect) {
    this.pool = pool;
    this.profiles = new ProfileJson(json);
    this.usersOf = usersOf(dialect);
    this.dialect = dialect;
  }

  @Override
  public Map<String, UserState> users(long workspaceId, Collection<String> userIds) {
    Map<String, UserState> found = new HashMap<>();
    byIds("SELECT user_id, state FROM users WHERE workspace_id = ? AND user_id", userIds,
        rows -> found.put(rows.getString(1), profiles.readUser(rows.getString(1), rows.getString(2))), workspaceId);
    return found;
  }

  @Override
  public Map<String, AccountState> accounts(long workspaceId, Collection<String> accountIds) {
    Map<String, AccountState> found = new HashMap<>();
    byIds("SELECT account_id, state FROM accounts WHERE workspace_id = ? AND account_id", accountIds,
        rows -> found.put(rows.getString(1), profiles.readAccount(rows.getString(1), rows.getString(2))), workspaceId);
    return found;
  }

  /**
   * Runs {@code sql}, which ends with the id column, for {@code ids}. A cluster processor reads
   * thousands of users a batch: as one array PostgreSQL spent 0.6 s on a run's reads that took it
   * 15.2 s in 500-id IN lists (BENCHMARKS.md).
   */
  private void byIds(String sql, Collection<String> ids, Sql.RowReader reader, long workspaceId) {
    if (dialect == Dialect.POSTGRESQL) {
      Sql.queryAny(pool, sql + " = ANY (?)", ids, reader, workspaceId);
    } else {
      Sql.queryIn(pool, sql + " IN ", ids, reader, workspaceId);
    }
  }

  @Override
  public Optional<UserState> user(long workspaceId, String userId) {
    return Optional.ofNullable(users(workspaceId, List.of(userId)).get(userId));
  }

  @Override
  public Optional<AccountState> account(long workspaceId, String accountId) {
    return Optional.ofNullable(accounts(workspaceId, List.of(accountId)).get(accountId));
  }

  /** By the account index: ordered by user_id, SQLite would rather scan the workspace's users in key order. */
  public static String usersOf(Dialect dialect) {
    return "SELECT user_id, state FROM users" + dialect.indexedBy("users_by_account")
        + " WHERE workspace_id = ? AND account_id = ? ORDER BY user_id";
  }

  @Override
  public List<UserState> usersOf(long workspaceId, String accountId) {
    List<UserState> users = new ArrayList<>();
    Sql.query(
        pool,
        usersOf,
        rows -> users.add(profiles.readUser(rows.getString(1), rows.getString(2))),
        workspaceId, accountId);
    return users;
  }

  @Override
  public ProfileChanges changed(long workspaceId, long afterVersion, long upToVersion) {
    List<UserState> users = new ArrayList<>();
    Sql.query(pool, "SELECT user_id, state FROM users WHERE workspace_id = ? AND updated_version > ? AND updated_version <= ?",
        rows -> users.add(profiles.readUser(rows.getString(1), rows.getString(2))), workspaceId, afterVersion, upToVersion);
    List<AccountState> accounts = new ArrayList<>();
    Sql.query(pool, "SELECT account_id, state FROM accounts WHERE workspace_id = ? AND updated_version > ? AND updated_version <= ?",
        rows -> accounts.add(profiles.readAccount(rows.getString(1), rows.getString(2))), workspaceId, afterVersion, upToVersion);
    return new ProfileChanges(users, accounts);
  }
}
