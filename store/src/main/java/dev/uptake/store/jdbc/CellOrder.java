package dev.uptake.store.jdbc;

import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The order of a cells table's primary key, in which a commit writes its cells: it then walks
 * each B-tree once from start to end instead of jumping about it (upserts of random keys cost
 * SQLite half again as much), and several writers touching the same cells wait for each other
 * rather than deadlock.
 *
 * <p>A replay's commit holds a few hundred thousand cells over a few thousand distinct accounts,
 * users and days. Comparing their strings cell against cell took a seventh of the committer's time
 * (BENCHMARKS.md); so each column's distinct values are sorted once, and the cells by their ranks.
 */
enum CellOrder {
  /** usage_daily's key: (account key, day, user, module, feature). */
  USAGE(List.of(Cell::accountKey, Cell::day, Cell::userId, Cell::module, Cell::feature)),
  /** activity_daily's key: (account key, user, day). */
  ACTIVITY(List.of(Cell::accountKey, Cell::userId, Cell::day));

  private final List<Function<Cell, Comparable<?>>> columns;

  CellOrder(List<Function<Cell, Comparable<?>>> columns) {
    this.columns = columns;
  }

  private record Ranked(int[] ranks, Map.Entry<Cell, Measures> entry) {}

  List<Map.Entry<Cell, Measures>> sorted(Map<Cell, Measures> cells) {
    List<Ranked> ranked = new ArrayList<>(cells.size());
    cells.entrySet().forEach(entry -> ranked.add(new Ranked(new int[columns.size()], entry)));
    for (int column = 0; column < columns.size(); column++) {
      Function<Cell, Comparable<?>> value = columns.get(column);
      Map<Comparable<?>, Integer> rank = ranks(ranked, value);
      for (Ranked row : ranked) {
        row.ranks()[column] = rank.get(value.apply(row.entry().getKey()));
      }
    }
    ranked.sort((a, b) -> Arrays.compare(a.ranks(), b.ranks()));
    List<Map.Entry<Cell, Measures>> sorted = new ArrayList<>(ranked.size());
    ranked.forEach(row -> sorted.add(row.entry()));
    return sorted;
  }

  /** Each distinct value of the column, numbered in its natural order. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<Comparable<?>, Integer> ranks(List<Ranked> rows, Function<Cell, Comparable<?>> value) {
    Map<Comparable<?>, Integer> rank = new HashMap<>();
    rows.forEach(row -> rank.putIfAbsent(value.apply(row.entry().getKey()), 0));
    Comparable[] distinct = rank.keySet().toArray(new Comparable[0]);
    Arrays.sort(distinct);
    for (int i = 0; i < distinct.length; i++) {
      rank.put(distinct[i], i);
    }
    return rank;
  }
}
