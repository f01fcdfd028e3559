/**
 * The store SPI: role-sized interfaces ({@link dev.uptake.store.EventLog}, {@link
 * dev.uptake.store.Workspaces}, {@link dev.uptake.store.IngestLedger}) behind one {@link
 * dev.uptake.store.Store}, opened by {@link dev.uptake.store.Stores#open}. One sub-package per
 * backend, the embedded default {@code sqlite} and {@code postgres}, over what they share in
 * {@code jdbc}.
 *
 * <p>Every implementation is thread-safe. A store that cannot serve a call throws {@link
 * dev.uptake.store.StoreUnavailableException}: the caller answers 503 and the sender retries.
 */
package dev.uptake.store;
