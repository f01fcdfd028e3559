package dev.uptake.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.fixtures.TestClock;
import dev.uptake.store.Members;
import dev.uptake.store.Store;
import dev.uptake.store.fixtures.Backend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The throttle on both stores (one per test run), as every server sharing the store counts. */
class SignInThrottleTest {

  final TestClock clock = new TestClock(Instant.parse("2024-05-01T10:00:00Z"));
  @TempDir Path dir;
  Store store;
  SignInThrottle throttle;

  @BeforeEach
  void open() {
    store = Backend.ofRun().open(dir, clock);
    throttle = new SignInThrottle(store.members());
  }

  @AfterEach
  void close() {
    if (store != null) { // null when a missing PostgreSQL skipped the start
      store.close();
    }
  }

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
    Members.SignInAttempt success = throttle.attempt("email:a", "client:1");
    throttle.succeeded(success, "email:a");
    assertThat(throttle.attempt("email:a", "client:1").allowed()).as("the client's 4 failures and this one").isTrue();
    assertThat(throttle.attempt("email:a", "client:1").allowed()).isFalse();
  }

  @Test
  void twoServersOnOneStoreCountTogether() {
    try (Store other = Backend.ofRun().open(dir, clock)) {
      SignInThrottle second = new SignInThrottle(other.members());
      for (int i = 0; i < SignInThrottle.MAX_FAILURES; i++) {
        assertThat((i % 2 == 0 ? throttle : second).attempt("email:a", "client:" + i).allowed()).isTrue();
      }
      assertThat(second.attempt("email:a", "client:9").allowed()).isFalse();
      assertThat(throttle.attempt("email:a", "client:9").allowed()).isFalse();
    }
  }
}
