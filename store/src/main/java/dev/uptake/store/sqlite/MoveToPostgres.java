package dev.uptake.store.sqlite;

import dev.uptake.store.DatabaseUrl;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.jdbc.Migrations;
import dev.uptake.store.postgres.PostgresStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Moves an embedded installation into an empty PostgreSQL database ({@code uptake migrate}): every
 * workspace, key, admin token, setting, member, membership and signed-in session, every logged
 * event with its number, every rejection and the ingest counts. What processing derived (users,
 * accounts, sessions, usage) is not copied: the first server on the database derives it again
 * from the log, so it is exactly what this version computes.
 *
 * <p>The data directory must not be in use (its lock is held for the move), so the copy is of one
 * moment; the target must be empty, so nothing there is overwritten or mixed in.
 */
public final class MoveToPostgres {

  /** Rows per insert batch (the driver rewrites a batch into multi-row statements). */
  private static final int BATCH = 2_000;

  /** The tables copied, in an order that satisfies their references, with the columns of both stores. */
  private static final Map<String, List<String>> TABLES = tables();
  /** Tables whose numbering PostgreSQL keeps in an identity sequence, and their numbered column. */
  private static final Map<String, String> NUMBERED =
      Map.of("workspaces", "id", "event_keys", "id", "members", "id", "events", "seq", "rejections", "id", "alert_rules", "id",
          "saved_views", "id");

  /** What was moved, by table; the events are the log the target's processing derives everything from. */
  public record Moved(Map<String, Long> rows, double seconds) {}

  private MoveToPostgres() {}

  private static Map<String, List<String>> tables() {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    tables.put("workspaces", List.of("id", "public_id", "name", "region", "webhook_secret", "created_at"));
    tables.put("event_keys", List.of("id", "workspace_id", "api_key", "auth_key", "write_key", "account_api_key", "created_at",
        "expires_at"));
    tables.put("admin_tokens", List.of("token_hash", "workspace_id", "created_at", "expires_at"));
    tables.put("workspace_settings", List.of("workspace_id", "settings"));
    tables.put("health_models", List.of("workspace_id", "version", "model", "since"));
    tables.put("health_scores", List.of("workspace_id", "version", "account_id", "day", "score", "band"));
    tables.put("alert_rules", List.of("id", "workspace_id", "rule", "updated_at"));
    tables.put("alert_marks", List.of("rule_id", "account_id", "fired_at", "band", "held_at"));
    tables.put("alerts", List.of("id", "workspace_id", "rule_id", "account_id", "kind", "status", "fired_at", "body"));
    tables.put("alert_deliveries", List.of("alert_id", "destination", "target", "status", "attempts", "next_at"));
    tables.put("saved_views", List.of("id", "workspace_id", "view", "updated_at"));
    tables.put("members", List.of("id", "email", "password_hash", "created_at"));
    tables.put("memberships", List.of("member_id", "workspace_id", "role"));
    tables.put("web_sessions", List.of("token_hash", "member_id", "workspace_id", "csrf_token", "created_at", "expires_at"));
    tables.put("ingest_stats", List.of("workspace_id", "received", "accepted", "rejected", "duplicates", "warnings",
        "last_event_at"));
    tables.put("rejections", List.of("id", "workspace_id", "received_at", "item_index", "message_id", "field", "reason",
        "payload"));
    tables.put("events", List.of("seq", "workspace_id", "message_id", "type", "user_id", "anonymous_id", "group_id", "name",
        "module", "event_time", "received_at", "warnings", "payload"));
    return tables;
  }

  /**
   * Rows the move will copy, table by table, for a progress bar's total.
   *
   * @throws StoreUnavailableException when {@code dataDir} holds no embedded store
   */
  public static long rowsToMove(Path dataDir) {
    try (Connection source = source(dataDir)) {
      long rows = 0;
      for (String table : TABLES.keySet()) {
        rows += count(source, table);
      }
      return rows;
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the embedded store in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Copies the store of {@code dataDir} into {@code target}, creating its schema.
   *
   * @param copied told the number of rows copied so far, now and then
   * @throws StoreUnavailableException when a server runs on {@code dataDir}, the target is not
   *     empty, or either store fails; the target then holds a partial copy to drop
   */
  public static Moved run(Path dataDir, DatabaseUrl target, LongConsumer copied) {
    long started = System.nanoTime();
    requireStore(dataDir);
    PGSimpleDataSource database = new PGSimpleDataSource();
    database.setURL(target.jdbcUrl());
    database.setUser(target.user());
    database.setPassword(target.password());
    database.setReWriteBatchedInserts(true);
    DataDirLock lock = DataDirLock.acquire(dataDir); // no server appends while the log is copied
    try (lock;
        Connection source = source(dataDir);
        Connection sink = database.getConnection()) {
      refuseUnlessEmpty(sink, target);
      Migrations.migrate(database, PostgresStore.MIGRATIONS, "the database " + target);
      sink.setAutoCommit(false);
      Map<String, Long> rows = new LinkedHashMap<>();
      long[] total = {0};
      for (Map.Entry<String, List<String>> table : TABLES.entrySet()) {
        rows.put(table.getKey(), copy(source, sink, table.getKey(), table.getValue(), done -> copied.accept(total[0] + done)));
        total[0] += rows.get(table.getKey());
        sink.commit();
      }
      for (Map.Entry<String, String> numbered : NUMBERED.entrySet()) {
        try (Statement next = sink.createStatement()) { // new rows continue after the copied numbers
          next.execute("SELECT setval(pg_get_serial_sequence('" + numbered.getKey() + "', '" + numbered.getValue() + "'),"
              + " coalesce(max(" + numbered.getValue() + "), 0) + 1, false) FROM " + numbered.getKey());
        }
      }
      sink.commit();
      return new Moved(rows, (System.nanoTime() - started) / 1e9);
    } catch (SQLException e) {
      throw new StoreUnavailableException("the move failed: " + e.getMessage() + "; drop and recreate the target database"
          + " before trying again", e);
    }
  }

  private static Connection source(Path dataDir) throws SQLException {
    requireStore(dataDir);
    return SqliteStore.logSource(dataDir, 8_192).getConnection();
  }

  private static void requireStore(Path dataDir) {
    if (!Files.isRegularFile(dataDir.resolve(SqliteStore.FILE_NAME))) {
      throw new StoreUnavailableException("no embedded store in " + dataDir + " (no " + SqliteStore.FILE_NAME + ")", null);
    }
  }

  /** An empty database, or one with Uptake's schema and nothing in it (a server started on it once). */
  private static void refuseUnlessEmpty(Connection sink, DatabaseUrl target) throws SQLException {
    boolean uptakeSchema = exists(sink, "SELECT to_regclass('flyway_schema_history') IS NOT NULL");
    String refusal = null;
    if (uptakeSchema) {
      if (exists(sink, "SELECT EXISTS (SELECT 1 FROM workspaces) OR EXISTS (SELECT 1 FROM events)"
          + " OR EXISTS (SELECT 1 FROM members)")) {
        refusal = "already holds Uptake's workspaces, members or events";
      }
    } else if (exists(sink, "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema())")) {
      refusal = "has tables of its own";
    }
    if (refusal != null) {
      throw new StoreUnavailableException("the database " + target + " " + refusal
          + "; uptake migrate moves into an empty database only (create one with: CREATE DATABASE uptake)", null);
    }
  }

  private static boolean exists(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getBoolean(1);
    }
  }

  private static long count(Connection source, String table) throws SQLException {
    try (Statement statement = source.createStatement(); ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /**
   * A value PostgreSQL can hold: text with U+0000 (which SQLite keeps, and versions before this
   * one let into ids) gets U+FFFD in its place.
   */
  private static Object storable(Object value) {
    return value instanceof String text && text.indexOf('\u0000') >= 0 ? text.replace('\u0000', '\uFFFD') : value;
  }

  private static long copy(Connection source, Connection sink, String table, List<String> columns, LongConsumer copied)
      throws SQLException {
    String list = String.join(", ", columns);
    long rows = 0;
    try (Statement read = source.createStatement();
        ResultSet from = read.executeQuery("SELECT " + list + " FROM " + table + " ORDER BY " + columns.get(0));
        PreparedStatement insert = sink.prepareStatement(
            "INSERT INTO " + table + " (" + list + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)")) {
      while (from.next()) {
        for (int i = 1; i <= columns.size(); i++) {
          insert.setObject(i, storable(from.getObject(i)));
        }
        insert.addBatch();
        if (++rows % BATCH == 0) {
          insert.executeBatch();
          copied.accept(rows);
        }
      }
      insert.executeBatch();
      copied.accept(rows);
    }
    return rows;
  }
}
