package dev.uptake.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.health.HealthModel;
import dev.uptake.core.health.HealthModelCodec;
import dev.uptake.store.HealthModels;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Health models as the JSON of {@link HealthModelCodec}, a row per version. */
public final class JdbcHealthModels implements HealthModels {

  private final DataSource pool;
  private final ObjectMapper json;

  public JdbcHealthModels(DataSource pool, ObjectMapper json) {
    this.pool = pool;
    this.json = json;
  }

  @Override
  public Version current(long workspaceId) {
    List<Version> found = read("SELECT version, model, since FROM health_models WHERE workspace_id = ?"
        + " ORDER BY version DESC LIMIT 1", workspaceId);
    return found.isEmpty() ? Version.NONE : found.get(0);
  }

  @Override
  public Version save(long workspaceId, HealthModel model, Instant since) {
    String text = HealthModelCodec.write(model).toString();
    long version = Sql.inTransaction(pool, connection -> {
      long[] next = {1};
      Sql.query(connection, "SELECT coalesce(max(version), 0) + 1 FROM health_models WHERE workspace_id = ?",
          rows -> next[0] = rows.getLong(1), workspaceId);
      // Two saves at once may draw the same number: the primary key refuses the second, which the caller sees as 503.
      Sql.update(connection, "INSERT INTO health_models (workspace_id, version, model, since) VALUES (?, ?, ?, ?)",
          workspaceId, next[0], text, since.toEpochMilli());
      return next[0];
    });
    return new Version(version, model, since);
  }

  @Override
  public List<Version> versions(long workspaceId) {
    return read("SELECT version, model, since FROM health_models WHERE workspace_id = ? ORDER BY version", workspaceId);
  }

  @Override
  public void record(long workspaceId, long version, Collection<Point> points) {
    if (points.isEmpty()) {
      return;
    }
    Sql.inTransaction(pool, connection -> {
      try (PreparedStatement upsert = connection.prepareStatement(
          "INSERT INTO health_scores (workspace_id, version, account_id, day, score, band) VALUES (?, ?, ?, ?, ?, ?)"
              + " ON CONFLICT (workspace_id, version, account_id, day) DO UPDATE SET score = excluded.score,"
              + " band = excluded.band")) {
        for (Point point : points) {
          Sql.bind(upsert, workspaceId, version, point.accountId(), point.day().toString(), point.score(), point.band());
          upsert.addBatch();
        }
        upsert.executeBatch();
      }
      return null;
    });
  }

  @Override
  public Map<String, Point> pointsOn(long workspaceId, long version, LocalDate day) {
    Map<String, Point> points = new HashMap<>();
    Sql.query(pool, "SELECT account_id, day, score, band FROM health_scores WHERE workspace_id = ? AND version = ? AND day = ?",
        rows -> points.put(rows.getString(1), point(rows)), workspaceId, version, day.toString());
    return points;
  }

  @Override
  public List<Point> history(long workspaceId, long version, String accountId, LocalDate from, LocalDate to) {
    List<Point> points = new ArrayList<>();
    Sql.query(pool, "SELECT account_id, day, score, band FROM health_scores WHERE workspace_id = ? AND version = ?"
            + " AND account_id = ? AND day BETWEEN ? AND ? ORDER BY day",
        rows -> points.add(point(rows)), workspaceId, version, accountId, from.toString(), to.toString());
    return points;
  }

  private static Point point(ResultSet rows) throws SQLException {
    return new Point(rows.getString(1), LocalDate.parse(rows.getString(2)), rows.getDouble(3), rows.getString(4));
  }

  private List<Version> read(String sql, long workspaceId) {
    List<Version> versions = new ArrayList<>();
    Sql.query(pool, sql, rows -> {
      try {
        versions.add(new Version(rows.getLong(1), HealthModelCodec.read(json.readTree(rows.getString(2))),
            Instant.ofEpochMilli(rows.getLong(3))));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("stored health models are JSON written by HealthModelCodec", e);
      }
    }, workspaceId);
    return versions;
  }
}
