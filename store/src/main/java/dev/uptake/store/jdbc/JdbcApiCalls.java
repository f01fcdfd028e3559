package dev.uptake.store.jdbc;

import dev.uptake.store.ApiCalls;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** API calls, a row each; each insert drops what falls beyond the workspace's last {@link #KEPT}. */
public final class JdbcApiCalls implements ApiCalls {

  private final DataSource pool;

  public JdbcApiCalls(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public void record(long workspaceId, Call call) {
    Sql.inTransaction(pool, connection -> {
      Sql.insert(connection,
          "INSERT INTO api_calls (workspace_id, at, method, path, status, records, failures) VALUES (?, ?, ?, ?, ?, ?, ?)",
          workspaceId, call.at().toEpochMilli(), call.method(), call.path(), call.status(), call.records(), call.failures());
      return Sql.update(connection, "DELETE FROM api_calls WHERE workspace_id = ? AND id <= (SELECT id FROM api_calls"
          + " WHERE workspace_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)", workspaceId, workspaceId, KEPT);
    });
  }

  @Override
  public List<Call> latest(long workspaceId, int limit) {
    List<Call> calls = new ArrayList<>();
    Sql.query(pool, "SELECT at, method, path, status, records, failures FROM api_calls WHERE workspace_id = ?"
            + " ORDER BY id DESC LIMIT ?",
        rows -> calls.add(new Call(Instant.ofEpochMilli(rows.getLong(1)), rows.getString(2), rows.getString(3),
            rows.getInt(4), rows.getInt(5), rows.getInt(6))),
        workspaceId, limit);
    return calls;
  }
}
