package dev.uptake.store.jdbc;

import dev.uptake.store.Reprocessing;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Reprocessing requests and their progress, a row per workspace (the replay's own updates are {@link StateWrites}'). */
public final class JdbcReprocessing implements Reprocessing {

  private static final String COLUMNS =
      "SELECT workspace_id, requested_at, started_at, through_seq, next_seq, done, total, finished_at FROM reprocess";

  private final DataSource pool;

  public JdbcReprocessing(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public void request(long workspaceId, Instant now) {
    Sql.inTransaction(pool, connection -> {
      // Later than any request before, so a replay started for one of them is seen to be stale.
      long[] previous = {Long.MIN_VALUE};
      Sql.query(connection, "SELECT requested_at FROM reprocess WHERE workspace_id = ?",
          rows -> previous[0] = rows.getLong(1), workspaceId);
      long at = Math.max(now.toEpochMilli(), previous[0] + 1);
      return Sql.update(connection, "INSERT INTO reprocess (workspace_id, requested_at) VALUES (?, ?)"
          + " ON CONFLICT (workspace_id) DO UPDATE SET requested_at = excluded.requested_at", workspaceId, at);
    });
  }

  @Override
  public Optional<Job> job(long workspaceId) {
    return read(COLUMNS + " WHERE workspace_id = ?", workspaceId).stream().findFirst();
  }

  @Override
  public Optional<Job> next() {
    List<Job> open = read(COLUMNS + " WHERE started_at IS NULL OR started_at <> requested_at OR finished_at IS NULL"
        + " ORDER BY requested_at");
    return open.stream().filter(Job::waiting).findFirst().or(() -> open.stream().findFirst());
  }

  private List<Job> read(String sql, Object... parameters) {
    List<Job> jobs = new ArrayList<>();
    Sql.query(pool, sql, rows -> jobs.add(new Job(rows.getLong(1), Instant.ofEpochMilli(rows.getLong(2)),
        instant(rows, 3), rows.getLong(4), rows.getLong(5), rows.getLong(6), rows.getLong(7), instant(rows, 8))),
        parameters);
    return jobs;
  }

  private static Instant instant(ResultSet rows, int column) throws SQLException {
    long millis = rows.getLong(column);
    return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
