package dev.uptake.store.jdbc;

import dev.uptake.store.Members;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/** Members, memberships and web sessions. */
public final class JdbcMembers implements Members {

  private final DataSource pool;
  private final Dialect dialect;
  private final Clock clock;

  public JdbcMembers(DataSource pool, Dialect dialect, Clock clock) {
    this.pool = pool;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public Added add(String email, String passwordHash, long workspaceId, Role role) {
    boolean created = Sql.inTransaction(pool, connection -> {
      boolean inserted = Sql.update(connection,
          "INSERT INTO members (email, password_hash, created_at) VALUES (?, ?, ?) ON CONFLICT (email) DO NOTHING",
          email.strip(), passwordHash, clock.millis()) == 1;
      Sql.update(connection,
          "INSERT INTO memberships (member_id, workspace_id, role) SELECT id, ?, ? FROM members WHERE email = ?"
              + " ON CONFLICT (member_id, workspace_id) DO UPDATE SET role = excluded.role",
          workspaceId, role.id(), email.strip());
      return inserted;
    });
    return new Added(byEmail(email).orElseThrow(), created);
  }

  @Override
  public Optional<Member> byEmail(String email) {
    List<Member> found = new ArrayList<>();
    List<Membership> memberships = new ArrayList<>();
    Sql.query(pool,
        "SELECT m.id, m.email, m.password_hash, s.workspace_id, s.role FROM members m"
            + " LEFT JOIN memberships s ON s.member_id = m.id WHERE m.email = ? ORDER BY s.workspace_id",
        rows -> {
          if (found.isEmpty()) {
            found.add(new Member(rows.getLong(1), rows.getString(2), rows.getString(3), List.of()));
          }
          if (rows.getString(5) != null) {
            memberships.add(new Membership(rows.getLong(4), role(rows.getString(5))));
          }
        },
        email.strip());
    return found.stream().findFirst().map(m -> new Member(m.id(), m.email(), m.passwordHash(), memberships));
  }

  @Override
  public void startSession(String tokenHash, long memberId, long workspaceId, String csrfToken, Instant expiresAt) {
    Sql.inTransaction(pool, connection -> {
      Sql.update(connection, "DELETE FROM web_sessions WHERE expires_at <= ?", clock.millis()); // never used again
      return Sql.update(connection,
          "INSERT INTO web_sessions (token_hash, member_id, workspace_id, csrf_token, created_at, expires_at)"
              + " VALUES (?, ?, ?, ?, ?, ?)",
          tokenHash, memberId, workspaceId, csrfToken, clock.millis(), expiresAt.toEpochMilli());
    });
  }

  @Override
  public Optional<WebSession> session(String tokenHash, Instant now) {
    List<WebSession> found = new ArrayList<>();
    Sql.query(pool,
        "SELECT w.member_id, m.email, w.workspace_id, s.role, w.csrf_token, w.expires_at FROM web_sessions w"
            + " JOIN members m ON m.id = w.member_id"
            + " JOIN memberships s ON s.member_id = w.member_id AND s.workspace_id = w.workspace_id"
            + " WHERE w.token_hash = ? AND w.expires_at > ?",
        rows -> found.add(new WebSession(rows.getLong(1), rows.getString(2), rows.getLong(3), role(rows.getString(4)),
            rows.getString(5), Instant.ofEpochMilli(rows.getLong(6)))),
        tokenHash, now.toEpochMilli());
    return found.stream().findFirst();
  }

  @Override
  public void endSession(String tokenHash) {
    Sql.inTransaction(pool, connection -> Sql.update(connection, "DELETE FROM web_sessions WHERE token_hash = ?", tokenHash));
  }

  @Override
  public List<Membership> memberships(long memberId) {
    List<Membership> memberships = new ArrayList<>();
    Sql.query(pool, "SELECT workspace_id, role FROM memberships WHERE member_id = ? ORDER BY workspace_id",
        rows -> memberships.add(new Membership(rows.getLong(1), role(rows.getString(2)))), memberId);
    return memberships;
  }

  @Override
  public boolean switchWorkspace(String tokenHash, long workspaceId) {
    return Sql.inTransaction(pool, connection -> Sql.update(connection,
        "UPDATE web_sessions SET workspace_id = ? WHERE token_hash = ? AND EXISTS (SELECT 1 FROM memberships s"
            + " WHERE s.member_id = web_sessions.member_id AND s.workspace_id = ?)",
        workspaceId, tokenHash, workspaceId)) == 1;
  }

  private static Role role(String id) {
    return Role.valueOf(id.toUpperCase(Locale.ROOT));
  }

  /** Synchronized for SQLite's one process; on PostgreSQL each key's lock orders the attempts of every process. */
  @Override
  public synchronized SignInAttempt attemptSignIn(List<String> keys, int maxFailures, Duration window) {
    long now = clock.millis();
    long since = now - window.toMillis();
    List<String> sorted = keys.stream().distinct().sorted().toList();
    return Sql.inTransaction(pool, connection -> {
      if (dialect == Dialect.POSTGRESQL) {
        for (String key : sorted) {
          Sql.query(connection, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", rows -> {}, key);
        }
      }
      long wait = 0;
      for (String key : sorted) {
        long[] recent = {0, 0};
        Sql.query(connection, "SELECT count(*), min(failed_at) FROM sign_in_failures WHERE key = ? AND failed_at > ?",
            rows -> {
              recent[0] = rows.getLong(1);
              recent[1] = rows.getLong(2);
            }, key, since);
        if (recent[0] >= maxFailures) {
          wait = Math.max(wait, recent[1] + window.toMillis() - now);
        }
      }
      if (wait > 0) {
        return new SignInAttempt(Duration.ofMillis(wait), List.of());
      }
      Sql.update(connection, "DELETE FROM sign_in_failures WHERE failed_at <= ?", since); // out of every window
      List<Long> counted = new ArrayList<>();
      for (String key : sorted) {
        counted.add(Sql.insert(connection, "INSERT INTO sign_in_failures (key, failed_at) VALUES (?, ?)",
            key, now));
      }
      return new SignInAttempt(Duration.ZERO, counted);
    });
  }

  @Override
  public void signInSucceeded(SignInAttempt attempt, String forgottenKey) {
    Sql.inTransaction(pool, connection -> {
      for (long id : attempt.counted()) {
        Sql.update(connection, "DELETE FROM sign_in_failures WHERE id = ?", id);
      }
      Sql.update(connection, "DELETE FROM sign_in_failures WHERE key = ?", forgottenKey);
      return null;
    });
  }
}
