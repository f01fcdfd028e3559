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
      assertThat(throttle.wait("email:a")).isZero();
      throttle.failed("email:a", "client:1");
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(throttle.wait("email:a")).isEqualTo(Duration.ofMinutes(10)); // the first failed at 10:00, now 10:05
    assertThat(throttle.wait("client:1")).isEqualTo(Duration.ofMinutes(10));
    assertThat(throttle.wait("email:b", "client:2")).as("others").isZero();
    assertThat(throttle.wait("email:b", "client:1")).as("the same client").isEqualTo(Duration.ofMinutes(10));
    clock.advance(Duration.ofMinutes(10));
    assertThat(throttle.wait("email:a")).isZero();
  }

  @Test
  void aSuccessForgetsTheAddressesFailures() {
    for (int i = 0; i < SignInThrottle.MAX_FAILURES - 1; i++) {
      throttle.failed("email:a");
    }
    throttle.succeeded("email:a");
    throttle.failed("email:a");
    assertThat(throttle.wait("email:a")).isZero();
  }
}
