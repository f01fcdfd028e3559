package dev.uptake.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CellOrderTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void cellsComeInTheOrderOfUsageDailysKey(long seed) {
    Map<Cell, Measures> cells = randomCells(new Random(seed));

    assertThat(keys(CellOrder.USAGE.sorted(cells))).isEqualTo(cells.keySet().stream()
        .sorted(Comparator.comparing(Cell::accountKey).thenComparing(Cell::day).thenComparing(Cell::userId)
            .thenComparing(Cell::module).thenComparing(Cell::feature))
        .toList());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void cellsComeInTheOrderOfActivityDailysKey(long seed) {
    Map<Cell, Measures> cells = new HashMap<>();
    randomCells(new Random(seed)).forEach((cell, measures) ->
        cells.merge(new Cell(cell.day(), cell.userId(), cell.accountKey(), "", ""), measures, Measures::plus));

    assertThat(keys(CellOrder.ACTIVITY.sorted(cells))).isEqualTo(cells.keySet().stream()
        .sorted(Comparator.comparing(Cell::accountKey).thenComparing(Cell::userId).thenComparing(Cell::day))
        .toList());
  }

  /** Values that share prefixes and differ in length, where rank and string order could part. */
  private static Map<Cell, Measures> randomCells(Random random) {
    Map<Cell, Measures> cells = new HashMap<>();
    LocalDate first = LocalDate.of(2026, 11, 25);
    for (int i = 0; i < 5_000; i++) {
      cells.put(new Cell(first.plusDays(random.nextInt(12)), "user-" + random.nextInt(300), "acct-" + random.nextInt(60),
          "m" + random.nextInt(11), random.nextBoolean() ? "" : "f" + random.nextInt(25)), new Measures(1, 0, 0, 0, 0));
    }
    return cells;
  }

  private static List<Cell> keys(List<Map.Entry<Cell, Measures>> entries) {
    return entries.stream().map(Map.Entry::getKey).toList();
  }
}
