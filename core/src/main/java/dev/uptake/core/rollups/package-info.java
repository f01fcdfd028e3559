/**
 * Rollup arithmetic: what a session adds to the daily usage cells (day × user × account ×
 * module × feature). Cells are sums, so a changed session is subtracted and its replacement added,
 * and the totals always equal a recomputation from all events.
 */
package dev.uptake.core.rollups;
