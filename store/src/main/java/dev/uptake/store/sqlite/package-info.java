/**
 * The embedded store: two SQLite files in WAL mode in the data directory, {@code uptake.db} (the
 * event log, workspaces, members, settings) and {@code state.db} (what processing derives). One
 * dedicated connection appends to the event log (SQLite has one writer at a time, so one thread
 * grouping requests for it beats many contending), another commits processing's changes to
 * state.db; a small pool serves reads and the rare administrative writes.
 */
package dev.uptake.store.sqlite;
