package dev.uptake.server.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Slows password guessing: after {@link #MAX_FAILURES} failed sign-ins within {@link #WINDOW} for
 * one e-mail address, or from one client address, further attempts are refused until the oldest
 * failure leaves the window. An attempt counts as failed from before its password is checked
 * (and is taken back if it succeeds), so concurrent guesses cannot all pass the check first. In
 * memory: one server's count, which is what one node needs.
 */
final class SignInThrottle {

  static final int MAX_FAILURES = 5;
  static final Duration WINDOW = Duration.ofMinutes(15);

  /** An attempt: may go on when {@code retryAfter} is zero; counted as failed at {@code at} until it succeeds. */
  record Attempt(Duration retryAfter, Instant at) {
    boolean allowed() {
      return retryAfter.isZero();
    }
  }

  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new HashMap<>();

  SignInThrottle(Clock clock) {
    this.clock = clock;
  }

  /** Counts an attempt by {@code keys} as failed, unless one of them must wait: then nothing is counted. */
  synchronized Attempt attempt(String... keys) {
    Instant now = clock.instant();
    Duration longest = Duration.ZERO;
    for (String key : keys) {
      Deque<Instant> recent = recent(key, now);
      if (recent != null && recent.size() >= MAX_FAILURES) {
        Duration wait = Duration.between(now, recent.peekFirst().plus(WINDOW));
        longest = wait.compareTo(longest) > 0 ? wait : longest;
      }
    }
    if (longest.isZero()) {
      for (String key : keys) {
        failures.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
      }
    }
    return new Attempt(longest, now);
  }

  /** The attempt succeeded: it no longer counts, and {@code forgotten}'s earlier failures are forgotten. */
  synchronized void succeeded(Attempt attempt, String forgotten, String... keys) {
    failures.remove(forgotten);
    for (String key : keys) {
      Deque<Instant> recent = failures.get(key);
      if (recent != null) {
        recent.removeLastOccurrence(attempt.at());
        if (recent.isEmpty()) {
          failures.remove(key);
        }
      }
    }
  }

  /** The key's failures still in the window, or null when none is (and the key is forgotten). */
  private Deque<Instant> recent(String key, Instant now) {
    Deque<Instant> recent = failures.get(key);
    if (recent == null) {
      return null;
    }
    while (!recent.isEmpty() && !recent.peekFirst().plus(WINDOW).isAfter(now)) {
      recent.removeFirst();
    }
    if (recent.isEmpty()) {
      failures.remove(key);
      return null;
    }
    return recent;
  }
}
