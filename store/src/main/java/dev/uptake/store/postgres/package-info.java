/**
 * The store in PostgreSQL, for production and for several Uptake processes on one database:
 * appends take turns on a transaction lock so the log's numbers become visible in order ({@link
 * dev.uptake.store.postgres.PostgresAppender}); processing commits merge users and accounts with
 * what is stored, add usage as deltas and carry their transaction id ({@link
 * dev.uptake.store.postgres.PostgresStateWriter}); no connection is handed out before the schema
 * is this version's ({@link dev.uptake.store.postgres.SchemaGate}).
 */
package dev.uptake.store.postgres;
