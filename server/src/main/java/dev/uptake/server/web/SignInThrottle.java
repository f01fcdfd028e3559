package dev.uptake.server.web;

import dev.uptake.store.Members;
import java.time.Duration;
import java.util.List;

/**
 * Slows password guessing: after {@link #MAX_FAILURES} failed sign-ins within {@link #WINDOW} for
 * one e-mail address, or from one client address, further attempts are refused until the oldest
 * failure leaves the window. An attempt counts as failed from before its password is checked
 * (and is taken back if it succeeds), so concurrent guesses cannot all pass the check first.
 * Counted in the store, so every server sharing it (the query nodes of a cluster behind a load
 * balancer) counts together.
 */
final class SignInThrottle {

  static final int MAX_FAILURES = 5;
  static final Duration WINDOW = Duration.ofMinutes(15);

  private final Members members;

  SignInThrottle(Members members) {
    this.members = members;
  }

  /** Counts an attempt by {@code keys} as failed, unless one of them must wait: then nothing is counted. */
  Members.SignInAttempt attempt(String... keys) {
    return members.attemptSignIn(List.of(keys), MAX_FAILURES, WINDOW);
  }

  /** The attempt succeeded: it no longer counts, and {@code forgotten}'s earlier failures are forgotten. */
  void succeeded(Members.SignInAttempt attempt, String forgotten) {
    members.signInSucceeded(attempt, forgotten);
  }
}
