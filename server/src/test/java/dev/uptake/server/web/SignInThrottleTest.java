package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {

  final TestClock clock = new TestClock(Instant.parse("2024-05-01T10:00:00Z"));
  final SignInThrottle throttle = new SignInThrottle(clock);

  @Test
  void theSixthTryWaitsUntilTheFirstFailureLeavesTheWindow() {
    for (int i = 0; i < SignInThrottle.MAX_FAILURES; i++) {
      assertThat(throttle.attempt("email:a", "client:1").allowed()).isTrue();
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(throttle.attempt("email:a").retryAfter()).isEqualTo(Duration.ofMinutes(10)); // the first at 10:00, now 10:05
    assertThat(throttle.attempt("client:1").retryAfter()).isEqualTo(Duration.ofMinutes(10));
    assertThat(throttle.attempt("email:b", "client:2").allowed()).as("others").isTrue();
    assertThat(throttle.attempt("email:c", "client:1").retryAfter()).as("the same client").isEqualTo(Duration.ofMinutes(10));
    clock.advance(Duration.ofMinutes(10));
    assertThat(throttle.attempt("email:a").allowed()).isTrue();
  }

  @Test
  void anAttemptCountsBeforeItsPasswordIsChecked() {
    for (int i = 0; i < SignInThrottle.MAX_FAILURES; i++) {
      assertThat(throttle.attempt("email:a", "client:1").allowed()).as("attempt %d", i + 1).isTrue();
    }
    assertThat(throttle.attempt("email:a", "client:2").allowed()).as("five still being checked").isFalse();
  }

  @Test
  void aSuccessIsNotCountedAndForgetsTheAddressesFailures() {
    for (int i = 0; i < SignInThrottle.MAX_FAILURES - 1; i++) {
      throttle.attempt("email:a", "client:1");
    }
    SignInThrottle.Attempt success = throttle.attempt("email:a", "client:1");
    throttle.succeeded(success, "email:a", "client:1");
    assertThat(throttle.attempt("email:a", "client:1").allowed()).as("the client's 4 failures and this one").isTrue();
    assertThat(throttle.attempt("email:a", "client:1").allowed()).isFalse();
  }
}
