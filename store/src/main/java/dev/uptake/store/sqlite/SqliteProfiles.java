package dev.uptake.store.sqlite;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.ProfileJson;
import dev.uptake.core.identity.UserState;
import dev.uptake.store.Profiles;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** Users and accounts read from their JSON states. */
final class SqliteProfiles implements Profiles {

  /** Ids per IN (…) list; SQLite allows 32766 parameters, smaller lists plan just as well. */
  private static final int CHUNK = 500;

  private final DataSource pool;
  private final ProfileJson profiles;

  SqliteProfiles(DataSource pool, ObjectMapper json) {
    this.pool = pool;
    this.profiles = new ProfileJson(json);
  }

  @Override
  public Map<String, UserState> users(long workspaceId, Collection<String> userIds) {
    Map<String, UserState> found = new HashMap<>();
    inChunks(userIds, "SELECT user_id, state FROM users WHERE workspace_id = ? AND user_id IN ", workspaceId,
        (id, state) -> found.put(id, profiles.readUser(id, state)));
    return found;
  }

  @Override
  public Map<String, AccountState> accounts(long workspaceId, Collection<String> accountIds) {
    Map<String, AccountState> found = new HashMap<>();
    inChunks(accountIds, "SELECT account_id, state FROM accounts WHERE workspace_id = ? AND account_id IN ", workspaceId,
        (id, state) -> found.put(id, profiles.readAccount(id, state)));
    return found;
  }

  @Override
  public Optional<UserState> user(long workspaceId, String userId) {
    return Optional.ofNullable(users(workspaceId, List.of(userId)).get(userId));
  }

  @Override
  public Optional<AccountState> account(long workspaceId, String accountId) {
    return Optional.ofNullable(accounts(workspaceId, List.of(accountId)).get(accountId));
  }

  @Override
  public List<UserState> usersOf(long workspaceId, String accountId) {
    List<UserState> users = new ArrayList<>();
    Sql.query(
        pool,
        "SELECT user_id, state FROM users WHERE workspace_id = ? AND account_id = ? ORDER BY user_id",
        rows -> users.add(profiles.readUser(rows.getString(1), rows.getString(2))),
        workspaceId, accountId);
    return users;
  }

  private interface RowSink {
    void accept(String id, String state);
  }

  private void inChunks(Collection<String> ids, String sql, long workspaceId, RowSink sink) {
    List<String> all = List.copyOf(ids);
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
      Object[] parameters = new Object[chunk.size() + 1];
      parameters[0] = workspaceId;
      for (int i = 0; i < chunk.size(); i++) {
        parameters[i + 1] = chunk.get(i);
      }
      String placeholders = "(" + "?,".repeat(chunk.size() - 1) + "?)";
      Sql.query(pool, sql + placeholders, rows -> sink.accept(rows.getString(1), rows.getString(2)), parameters);
    }
  }
}
