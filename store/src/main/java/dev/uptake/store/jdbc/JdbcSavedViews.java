package dev.uptake.store.jdbc;

import dev.uptake.store.SavedViews;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Saved views, a row each. */
public final class JdbcSavedViews implements SavedViews {

  private final DataSource pool;

  public JdbcSavedViews(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public List<View> views(long workspaceId) {
    return read("SELECT id, workspace_id, view, updated_at FROM saved_views WHERE workspace_id = ? ORDER BY id", workspaceId);
  }

  @Override
  public Optional<View> view(long workspaceId, long id) {
    return read("SELECT id, workspace_id, view, updated_at FROM saved_views WHERE workspace_id = ? AND id = ?",
        workspaceId, id).stream().findFirst();
  }

  @Override
  public View create(long workspaceId, String json, Instant now) {
    long id = Sql.inTransaction(pool, connection -> Sql.insert(connection,
        "INSERT INTO saved_views (workspace_id, view, updated_at) VALUES (?, ?, ?)", workspaceId, json, now.toEpochMilli()));
    return new View(id, workspaceId, json, now);
  }

  @Override
  public boolean update(long workspaceId, long id, String json, Instant now) {
    return Sql.inTransaction(pool, connection -> Sql.update(connection,
        "UPDATE saved_views SET view = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
        json, now.toEpochMilli(), workspaceId, id) == 1);
  }

  @Override
  public boolean delete(long workspaceId, long id) {
    return Sql.inTransaction(pool, connection ->
        Sql.update(connection, "DELETE FROM saved_views WHERE workspace_id = ? AND id = ?", workspaceId, id) == 1);
  }

  private List<View> read(String sql, Object... parameters) {
    List<View> views = new ArrayList<>();
    Sql.query(pool, sql, rows -> views.add(new View(rows.getLong(1), rows.getLong(2), rows.getString(3),
        Instant.ofEpochMilli(rows.getLong(4)))), parameters);
    return views;
  }
}
