/**
 * The embedded runtime: {@link dev.uptake.server.Uptake#start} wires the store, ingestion, the
 * query API and metrics by hand, in one place, and starts the HTTP server.
 */
package dev.uptake.server;
