package dev.uptake.store.jdbc;

import dev.uptake.store.Quarantine;
import javax.sql.DataSource;

/** The quarantine table, through the pool (on SQLite its connections attach state.db, which holds it). */
public final class JdbcQuarantine implements Quarantine {

  private final DataSource pool;

  public JdbcQuarantine(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public long count(long workspaceId) {
    return count("SELECT count(*) FROM quarantine WHERE workspace_id = ?", workspaceId);
  }

  @Override
  public long total() {
    return count("SELECT count(*) FROM quarantine");
  }

  @Override
  public Retry requestRetry(long workspaceId, String messageId) {
    int marked = Sql.inTransaction(pool, connection -> Sql.update(connection,
        "UPDATE quarantine SET retry_requested = 1 WHERE workspace_id = ? AND message_id = ?", workspaceId, messageId));
    if (marked > 0) {
      return Retry.REQUESTED;
    }
    long logged = count("SELECT count(*) FROM events WHERE workspace_id = ? AND message_id = ?", workspaceId, messageId);
    return logged > 0 ? Retry.NOT_FAILED : Retry.UNKNOWN;
  }

  private long count(String sql, Object... parameters) {
    long[] count = {0};
    Sql.query(pool, sql, rows -> count[0] = rows.getLong(1), parameters);
    return count[0];
  }
}
