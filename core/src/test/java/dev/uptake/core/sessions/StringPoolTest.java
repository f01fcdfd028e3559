package dev.uptake.core.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StringPoolTest {

  private final StringPool pool = new StringPool();

  @Test
  void equalStringsFromDifferentEventsBecomeOneInstance() {
    String first = pool.of(new String("user-1"));
    String again = pool.of(new String("user-1"));

    assertThat(again).isSameAs(first);
    assertThat(pool.of(new String("user-2"))).isNotSameAs(first).isEqualTo("user-2");
    assertThat(pool.of(null)).isNull();
  }

  @Test
  void aFullPoolStartsAgainAndStillAnswersEqualStrings() {
    String kept = pool.of(new String("kept"));
    for (int i = 0; i <= StringPool.MAX_STRINGS; i++) {
      pool.of("s" + i);
    }

    String after = pool.of(new String("kept"));

    assertThat(after).isEqualTo(kept).isNotSameAs(kept);
    assertThat(pool.of(new String("kept"))).isSameAs(after);
  }
}
