package dev.uptake.store;

/**
 * What the processor reads besides the log, on connections of its own ({@link Store#forProcessor}):
 * however many requests the API serves, or however slowly its clients download, the processor
 * never waits for a pooled connection, nor they for it.
 */
public record ProcessorStores(Profiles profiles, SettingsStore settings, Usage usage) {}
