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
 * failure leaves the window. In memory: one server's count, which is what one node needs.
 */
final class SignInThrottle {

  static final int MAX_FAILURES = 5;
  static final Duration WINDOW = Duration.ofMinutes(15);

  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new HashMap<>();

  SignInThrottle(Clock clock) {
    this.clock = clock;
  }

  /** How long until {@code keys} may try again; zero when they may now. */
  synchronized Duration wait(String... keys) {
    Instant now = clock.instant();
    Duration longest = Duration.ZERO;
    for (String key : keys) {
      Deque<Instant> recent = recent(key, now);
      if (recent != null && recent.size() >= MAX_FAILURES) {
        Duration wait = Duration.between(now, recent.peekFirst().plus(WINDOW));
        longest = wait.compareTo(longest) > 0 ? wait : longest;
      }
    }
    return longest;
  }

  synchronized void failed(String... keys) {
    Instant now = clock.instant();
    for (String key : keys) {
      failures.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
    }
  }

  synchronized void succeeded(String key) {
    failures.remove(key);
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
