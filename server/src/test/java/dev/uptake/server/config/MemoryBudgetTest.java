package dev.uptake.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryBudgetTest {

  @ParameterizedTest
  @CsvSource({"256m, 268435456", "1g, 1073741824", "65536k, 67108864", "16777216, 16777216", "2G, 2147483648",
    "512MB, 536870912"})
  void sizesAreReadWithTheirUnit(String text, long bytes) {
    assertThat(MemoryBudget.parse(text).cacheBytes()).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lots", "-1m", "1t", "1.5g", ""})
  void aSizeThatIsNotOneIsRefusedSayingWhatIsExpected(String text) {
    assertThatThrownBy(() -> MemoryBudget.parse(text))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("such as 256m or 1g");
  }

  @Test
  void aBudgetBelow16MiBIsRefused() {
    assertThatThrownBy(() -> MemoryBudget.parse("1m")).hasMessageContaining("at least 16m");
  }

  @Test
  void theDefaultIsAQuarterOfTheHeapWithinItsBounds() {
    assertThat(MemoryBudget.forHeap(1L << 30).cacheBytes()).isEqualTo(256L << 20);
    assertThat(MemoryBudget.forHeap(6L << 30).cacheBytes()).isEqualTo(512L << 20);
    assertThat(MemoryBudget.forHeap(32L << 20).cacheBytes()).isEqualTo(16L << 20);
  }

  @Test
  void theSharesAddUpToTheBudget() {
    MemoryBudget budget = MemoryBudget.parse("301m");
    assertThat(budget.sessionBytes() + budget.profileBytes() + budget.directoryBytes() + budget.storeBytes())
        .isEqualTo(budget.cacheBytes());
    assertThat(budget.storeBytes()).isBetween(budget.cacheBytes() / 4 - 8, budget.cacheBytes() / 4 + 8);
  }
}
