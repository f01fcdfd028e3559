package dev.uptake.store.jdbc;

import dev.uptake.core.keys.EventKeys;
import dev.uptake.core.keys.KeyFactory;
import dev.uptake.core.keys.Region;
import dev.uptake.store.StoreUnavailableException;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Workspaces and credentials. Admin tokens are stored as SHA-256 hashes only. */
public final class JdbcWorkspaces implements Workspaces {

  private static final String COLUMNS =
      "w.id, w.public_id, w.name, w.region, w.webhook_secret, w.created_at";

  private final DataSource pool;
  private final Clock clock;
  private final KeyFactory keys;

  public JdbcWorkspaces(DataSource pool, Clock clock, KeyFactory keys) {
    this.pool = pool;
    this.clock = clock;
    this.keys = keys;
  }

  @Override
  public Created create(String name, Region region) {
    Instant now = clock.instant();
    String publicId = keys.workspaceId();
    EventKeys eventKeys = keys.eventKeys(region);
    String adminToken = keys.adminToken(region);
    return inTransaction(
        connection -> {
          long id =
              insert(
                  connection,
                  "INSERT INTO workspaces (public_id, name, region, created_at) VALUES (?, ?, ?, ?)",
                  publicId, name, region.id(), now.toEpochMilli());
          insertKeys(connection, id, eventKeys, now);
          insertAdminToken(connection, id, adminToken, now);
          update(connection, "INSERT INTO ingest_stats (workspace_id) VALUES (?)", id);
          Workspace workspace = new Workspace(id, publicId, name, region, Optional.empty(), now);
          return new Created(workspace, eventKeys, adminToken);
        });
  }

  @Override
  public List<Workspace> list() {
    return query("SELECT " + COLUMNS + " FROM workspaces w ORDER BY w.id");
  }

  @Override
  public Optional<Workspace> find(String publicId) {
    return first("SELECT " + COLUMNS + " FROM workspaces w WHERE w.public_id = ?", publicId);
  }

  @Override
  public Optional<Workspace> byId(long id) {
    return first("SELECT " + COLUMNS + " FROM workspaces w WHERE w.id = ?", id);
  }

  @Override
  public EventKeys currentKeys(Workspace workspace) {
    try (Connection connection = pool.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT api_key, auth_key, write_key, account_api_key FROM event_keys WHERE workspace_id = ?"
                    + " ORDER BY id DESC LIMIT 1")) {
      statement.setLong(1, workspace.id());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return new EventKeys(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4));
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  @Override
  public Rotated rotateKeys(String publicId, Duration grace, boolean adminToken) {
    Workspace workspace = existing(publicId);
    Instant now = clock.instant();
    Instant until = now.plus(grace);
    EventKeys eventKeys = keys.eventKeys(workspace.region());
    String token = adminToken ? keys.adminToken(workspace.region()) : null;
    return inTransaction(
        connection -> {
          // Keys already set to expire sooner keep their earlier end.
          String expire =
              " SET expires_at = ? WHERE workspace_id = ? AND (expires_at IS NULL OR expires_at > ?)";
          update(connection, "UPDATE event_keys" + expire, until.toEpochMilli(), workspace.id(), until.toEpochMilli());
          insertKeys(connection, workspace.id(), eventKeys, now);
          if (token != null) {
            update(connection, "UPDATE admin_tokens" + expire, until.toEpochMilli(), workspace.id(), until.toEpochMilli());
            insertAdminToken(connection, workspace.id(), token, now);
          }
          return new Rotated(workspace, eventKeys, token, until);
        });
  }

  @Override
  public Workspace setWebhookSecret(String publicId, String secret) {
    Workspace workspace = existing(publicId);
    inTransaction(
        connection ->
            update(connection, "UPDATE workspaces SET webhook_secret = ? WHERE id = ?", secret, workspace.id()));
    return existing(publicId);
  }

  @Override
  public Optional<Workspace> byEventKeys(String apiKey, String authKey) {
    List<String> authKeys = new ArrayList<>();
    Optional<Workspace> workspace =
        first(
            "SELECT " + COLUMNS + ", k.auth_key FROM event_keys k JOIN workspaces w ON w.id ="
                + " k.workspace_id WHERE k.api_key = ? AND (k.expires_at IS NULL OR k.expires_at > ?)",
            rows -> authKeys.add(rows.getString(7)),
            apiKey, clock.millis());
    return workspace.filter(w -> constantTimeEquals(authKeys.get(0), authKey));
  }

  @Override
  public Optional<Workspace> byWriteKey(String writeKey) {
    return first(
        "SELECT " + COLUMNS + " FROM event_keys k JOIN workspaces w ON w.id = k.workspace_id"
            + " WHERE k.write_key = ? AND (k.expires_at IS NULL OR k.expires_at > ?)",
        writeKey, clock.millis());
  }

  @Override
  public Optional<Workspace> byAccountApiKey(String accountApiKey) {
    List<String> stored = new ArrayList<>();
    Optional<Workspace> workspace = first(
        "SELECT " + COLUMNS + ", k.account_api_key FROM event_keys k JOIN workspaces w ON w.id = k.workspace_id"
            + " WHERE k.account_api_key = ? AND (k.expires_at IS NULL OR k.expires_at > ?)",
        rows -> stored.add(rows.getString(7)),
        accountApiKey, clock.millis());
    return workspace.filter(w -> constantTimeEquals(stored.get(0), accountApiKey));
  }

  @Override
  public Optional<Workspace> byAdminToken(String adminToken) {
    return first(
        "SELECT " + COLUMNS + " FROM admin_tokens t JOIN workspaces w ON w.id = t.workspace_id"
            + " WHERE t.token_hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?)",
        sha256(adminToken), clock.millis());
  }

  private Workspace existing(String publicId) {
    return find(publicId)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no workspace has the id '" + publicId + "'; 'uptake workspace list' shows them"));
  }

  private void insertKeys(Connection connection, long id, EventKeys eventKeys, Instant now)
      throws SQLException {
    insert(
        connection,
        "INSERT INTO event_keys (workspace_id, api_key, auth_key, write_key, account_api_key, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        id, eventKeys.apiKey(), eventKeys.authKey(), eventKeys.writeKey(), eventKeys.accountApiKey(), now.toEpochMilli());
  }

  private void insertAdminToken(Connection connection, long id, String token, Instant now)
      throws SQLException {
    update(
        connection,
        "INSERT INTO admin_tokens (token_hash, workspace_id, created_at) VALUES (?, ?, ?)",
        sha256(token), id, now.toEpochMilli());
  }

  private List<Workspace> query(String sql, Object... parameters) {
    List<Workspace> found = new ArrayList<>();
    Sql.query(pool, sql, rows -> found.add(workspace(rows)), parameters);
    return found;
  }

  private Optional<Workspace> first(String sql, Object... parameters) {
    return first(sql, rows -> {}, parameters);
  }

  private Optional<Workspace> first(String sql, Sql.RowReader extra, Object... parameters) {
    List<Workspace> found = new ArrayList<>();
    Sql.query(
        pool,
        sql,
        rows -> {
          found.add(workspace(rows));
          extra.read(rows);
        },
        parameters);
    return found.stream().findFirst();
  }

  private <T> T inTransaction(Sql.Work<T> work) {
    return Sql.inTransaction(pool, work);
  }

  private static long insert(Connection connection, String sql, Object... parameters)
      throws SQLException {
    return Sql.insert(connection, sql, parameters);
  }

  private static int update(Connection connection, String sql, Object... parameters)
      throws SQLException {
    return Sql.update(connection, sql, parameters);
  }

  private static Workspace workspace(ResultSet rows) throws SQLException {
    Region region =
        Region.fromId(rows.getString(4))
            .orElseThrow(() -> new IllegalStateException("unknown region in the store"));
    return new Workspace(
        rows.getLong(1),
        rows.getString(2),
        rows.getString(3),
        region,
        Optional.ofNullable(rows.getString(5)),
        Instant.ofEpochMilli(rows.getLong(6)));
  }

  private static boolean constantTimeEquals(String expected, String given) {
    return given != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static StoreUnavailableException unavailable(SQLException e) {
    return Sql.unavailable(e);
  }
}
