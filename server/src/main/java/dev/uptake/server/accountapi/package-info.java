/**
 * The replaced platform's Account REST API v2 under {@code /api/v2}, for scripts written against it:
 * {@link dev.uptake.server.accountapi.AccountApiRoutes}, with its field names ({@link
 * dev.uptake.server.accountapi.AccountApiRecords}) and envelopes.
 */
package dev.uptake.server.accountapi;
