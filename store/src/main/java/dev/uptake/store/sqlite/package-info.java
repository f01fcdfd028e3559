/**
 * The embedded store: one SQLite file in WAL mode in the data directory. One dedicated connection
 * appends to the event log (SQLite has one writer at a time, so one thread batching for it beats
 * many contending); a small pool serves reads and the rare administrative writes.
 */
package dev.uptake.store.sqlite;
