package dev.uptake.store;

import dev.uptake.core.rollups.Cell;
import dev.uptake.core.rollups.Measures;

/** One daily usage cell and its sums, as stored. */
public record UsageRow(Cell cell, Measures measures) {}
