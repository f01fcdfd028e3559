package dev.uptake.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The people who sign in to the web app, their role in each workspace, and their signed-in
 * sessions. Passwords arrive hashed and session tokens as their hashes: this store sees neither.
 */
public interface Members {

  enum Role {
    ADMIN, VIEWER;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A workspace a member belongs to, and in what role. */
  record Membership(long workspaceId, Role role) {}

  record Member(long id, String email, String passwordHash, List<Membership> memberships) {
    public Member {
      memberships = List.copyOf(memberships);
    }

    public Optional<Membership> in(long workspaceId) {
      return memberships.stream().filter(m -> m.workspaceId() == workspaceId).findFirst();
    }
  }

  /** A signed-in browser: whose, in which workspace, and the token its forms must carry. */
  record WebSession(long memberId, String email, long workspaceId, Role role, String csrfToken, Instant expiresAt) {}

  /**
   * Adds {@code email} to the workspace in {@code role}. A new e-mail address becomes a member with
   * {@code passwordHash}; a known one keeps its password and gains the membership.
   *
   * @return the member, and whether it is new (only then was the password set)
   */
  Added add(String email, String passwordHash, long workspaceId, Role role);

  record Added(Member member, boolean created) {}

  Optional<Member> byEmail(String email);

  void startSession(String tokenHash, long memberId, long workspaceId, String csrfToken, Instant expiresAt);

  /** The unexpired session of that token hash, as of {@code now}. */
  Optional<WebSession> session(String tokenHash, Instant now);

  /** The workspaces the member belongs to, in the order they were joined. */
  List<Membership> memberships(long memberId);

  /** Moves the session to {@code workspaceId}; false (nothing changed) when its member is no member there. */
  boolean switchWorkspace(String tokenHash, long workspaceId);

  void endSession(String tokenHash);

  /**
   * A sign-in attempt: allowed when {@code retryAfter} is zero, and then counted as failed (the
   * failures {@code counted}) until {@link #signInSucceeded} takes it back.
   */
  record SignInAttempt(Duration retryAfter, List<Long> counted) {
    public SignInAttempt {
      counted = List.copyOf(counted);
    }

    public boolean allowed() {
      return retryAfter.isZero();
    }
  }

  /**
   * Counts an attempt by {@code keys} (an e-mail address, a client address) as failed, unless one
   * of them failed {@code maxFailures} times within {@code window}: then nothing is counted, and the
   * answer says how long until its oldest failure leaves the window. Every process sharing the
   * store counts together, and concurrent attempts for one key count one after the other.
   */
  SignInAttempt attemptSignIn(List<String> keys, int maxFailures, Duration window);

  /** The attempt succeeded: it no longer counts, and {@code forgottenKey}'s earlier failures are forgotten. */
  void signInSucceeded(SignInAttempt attempt, String forgottenKey);
}
