package dev.uptake.store.jdbc;

import dev.uptake.store.Alerts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** Alert rules, marks, alerts and deliveries, a row each; the same statements on both backends. */
public final class JdbcAlerts implements Alerts {

  private static final String RULE = "SELECT id, workspace_id, rule, updated_at FROM alert_rules";
  private static final String ALERT = "SELECT id, workspace_id, rule_id, account_id, kind, status, fired_at, body FROM alerts";
  private static final String DELIVERY = "SELECT alert_id, destination, target, status, attempts, next_at FROM alert_deliveries";

  private final DataSource pool;

  public JdbcAlerts(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public List<Rule> rules(long workspaceId) {
    List<Rule> rules = new ArrayList<>();
    Sql.query(pool, RULE + " WHERE workspace_id = ? ORDER BY id", rows -> rules.add(rule(rows)), workspaceId);
    return rules;
  }

  @Override
  public Optional<Rule> rule(long workspaceId, long id) {
    List<Rule> rules = new ArrayList<>();
    Sql.query(pool, RULE + " WHERE workspace_id = ? AND id = ?", rows -> rules.add(rule(rows)), workspaceId, id);
    return rules.stream().findFirst();
  }

  @Override
  public Rule create(long workspaceId, String json, Instant now) {
    long id = Sql.inTransaction(pool, connection -> Sql.insert(connection,
        "INSERT INTO alert_rules (workspace_id, rule, updated_at) VALUES (?, ?, ?)", workspaceId, json, now.toEpochMilli()));
    return new Rule(id, workspaceId, json, now);
  }

  @Override
  public boolean update(long workspaceId, long id, String json, Instant now) {
    return Sql.inTransaction(pool, connection -> Sql.update(connection,
        "UPDATE alert_rules SET rule = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
        json, now.toEpochMilli(), workspaceId, id) == 1);
  }

  @Override
  public boolean delete(long workspaceId, long id) {
    return Sql.inTransaction(pool, connection -> {
      int deleted = Sql.update(connection, "DELETE FROM alert_rules WHERE workspace_id = ? AND id = ?", workspaceId, id);
      if (deleted == 1) {
        Sql.update(connection, "DELETE FROM alert_marks WHERE rule_id = ?", id);
      }
      return deleted == 1;
    });
  }

  @Override
  public Map<String, Mark> marks(long ruleId) {
    Map<String, Mark> marks = new HashMap<>();
    Sql.query(pool, "SELECT account_id, fired_at, band, held_at FROM alert_marks WHERE rule_id = ?",
        rows -> marks.put(rows.getString(1), new Mark(instant(rows, 2), rows.getString(3), instant(rows, 4))), ruleId);
    return marks;
  }

  @Override
  public void mark(long ruleId, Map<String, Mark> marks) {
    if (marks.isEmpty()) {
      return;
    }
    Sql.inTransaction(pool, connection -> {
      upsertMarks(connection, ruleId, marks);
      return null;
    });
  }

  private static void upsertMarks(Connection connection, long ruleId, Map<String, Mark> marks) throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(
        "INSERT INTO alert_marks (rule_id, account_id, fired_at, band, held_at) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (rule_id, account_id) DO UPDATE SET fired_at = excluded.fired_at, band = excluded.band,"
            + " held_at = excluded.held_at")) {
      for (Map.Entry<String, Mark> entry : marks.entrySet()) {
        Mark mark = entry.getValue();
        upsert.setLong(1, ruleId);
        upsert.setString(2, entry.getKey());
        setInstant(upsert, 3, mark.firedAt());
        upsert.setString(4, mark.band());
        setInstant(upsert, 5, mark.heldAt());
        upsert.addBatch();
      }
      upsert.executeBatch();
    }
  }

  @Override
  public void fire(Alert alert, List<Delivery> deliveries, Mark mark) {
    Sql.inTransaction(pool, connection -> {
      Sql.update(connection, "INSERT INTO alerts (id, workspace_id, rule_id, account_id, kind, status, fired_at, body)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", alert.id(), alert.workspaceId(), alert.ruleId(), alert.accountId(),
          alert.kind(), alert.status(), alert.firedAt().toEpochMilli(), alert.body());
      for (Delivery delivery : deliveries) {
        Sql.update(connection, "INSERT INTO alert_deliveries (alert_id, destination, target, status, attempts, next_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", delivery.alertId(), delivery.destination(), delivery.target(),
            delivery.status(), delivery.attempts(), delivery.nextAt().toEpochMilli());
      }
      upsertMarks(connection, alert.ruleId(), Map.of(alert.accountId() == null ? "" : alert.accountId(), mark));
      return null;
    });
  }

  @Override
  public Optional<Alert> alert(String id) {
    List<Alert> found = new ArrayList<>();
    Sql.query(pool, ALERT + " WHERE id = ?", rows -> found.add(alert(rows)), id);
    return found.stream().findFirst();
  }

  @Override
  public List<Alert> alerts(long workspaceId, Instant from, Instant to, String accountId, Long ruleId, int limit) {
    List<Object> parameters = new ArrayList<>(List.of(workspaceId, from.toEpochMilli(), to.toEpochMilli()));
    StringBuilder sql = new StringBuilder(ALERT + " WHERE workspace_id = ? AND fired_at >= ? AND fired_at < ?");
    if (accountId != null) {
      sql.append(" AND account_id = ?");
      parameters.add(accountId);
    }
    if (ruleId != null) {
      sql.append(" AND rule_id = ?");
      parameters.add(ruleId);
    }
    sql.append(" ORDER BY fired_at DESC, id LIMIT ?");
    parameters.add(limit);
    List<Alert> alerts = new ArrayList<>();
    Sql.query(pool, sql.toString(), rows -> alerts.add(alert(rows)), parameters.toArray());
    return alerts;
  }

  @Override
  public List<Delivery> deliveries(Collection<String> alertIds) {
    List<Delivery> deliveries = new ArrayList<>();
    Sql.queryIn(pool, DELIVERY + " WHERE alert_id IN ", alertIds, rows -> deliveries.add(delivery(rows)));
    return deliveries;
  }

  @Override
  public List<Delivery> due(Instant now, int limit) {
    List<Delivery> deliveries = new ArrayList<>();
    Sql.query(pool, DELIVERY + " WHERE status = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?",
        rows -> deliveries.add(delivery(rows)), now.toEpochMilli(), limit);
    return deliveries;
  }

  @Override
  public boolean claim(Delivery delivery, Instant until) {
    return Sql.inTransaction(pool, connection -> Sql.update(connection,
        "UPDATE alert_deliveries SET next_at = ? WHERE alert_id = ? AND destination = ? AND status = 'pending'"
            + " AND next_at = ?", until.toEpochMilli(), delivery.alertId(), delivery.destination(),
        delivery.nextAt().toEpochMilli()) == 1);
  }

  @Override
  public void attempted(Delivery delivery, String status, String attempts, Instant nextAt) {
    Sql.inTransaction(pool, connection -> Sql.update(connection,
        "UPDATE alert_deliveries SET status = ?, attempts = ?, next_at = ? WHERE alert_id = ? AND destination = ?",
        status, attempts, nextAt.toEpochMilli(), delivery.alertId(), delivery.destination()));
  }

  @Override
  public boolean lease(String name, String holder, Instant now, Instant until) {
    return Sql.inTransaction(pool, connection -> Sql.update(connection,
        "INSERT INTO leases (name, holder, until) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
            + " until = excluded.until WHERE leases.holder = excluded.holder OR leases.until < ?",
        name, holder, until.toEpochMilli(), now.toEpochMilli()) == 1);
  }

  @Override
  public void release(String name, String holder) {
    Sql.inTransaction(pool, connection ->
        Sql.update(connection, "DELETE FROM leases WHERE name = ? AND holder = ?", name, holder));
  }

  private static Rule rule(ResultSet rows) throws SQLException {
    return new Rule(rows.getLong(1), rows.getLong(2), rows.getString(3), Instant.ofEpochMilli(rows.getLong(4)));
  }

  private static Alert alert(ResultSet rows) throws SQLException {
    return new Alert(rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getString(4), rows.getString(5),
        rows.getString(6), Instant.ofEpochMilli(rows.getLong(7)), rows.getString(8));
  }

  private static Delivery delivery(ResultSet rows) throws SQLException {
    return new Delivery(rows.getString(1), rows.getInt(2), rows.getString(3), rows.getString(4), rows.getString(5),
        Instant.ofEpochMilli(rows.getLong(6)));
  }

  private static Instant instant(ResultSet rows, int column) throws SQLException {
    long millis = rows.getLong(column);
    return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
    if (instant == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, instant.toEpochMilli());
    }
  }
}
