/**
 * Where a workspace's events keep their module, feature, account and session key: {@link
 * dev.uptake.core.mapping.Mapping} (and its JSON, {@link dev.uptake.core.mapping.MappingCodec}).
 * The default is the integration contract's, applied at ingest; another is applied by processing.
 */
package dev.uptake.core.mapping;
