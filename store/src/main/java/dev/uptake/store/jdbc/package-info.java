/**
 * What the two stores share, statement for statement: the workspaces, members, ledger, profiles,
 * settings, usage and quarantine reads and writes, one processing commit ({@link
 * dev.uptake.store.jdbc.StateWrites}), the event log's writer thread ({@link
 * dev.uptake.store.jdbc.GroupCommitLog}) and schema migrations. {@link dev.uptake.store.jdbc.Dialect}
 * holds the few differences; {@link dev.uptake.store.jdbc.JdbcStore} assembles the shared parts.
 */
package dev.uptake.store.jdbc;
