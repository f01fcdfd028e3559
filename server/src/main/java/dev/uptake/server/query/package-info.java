/**
 * The workspace's read API under {@code /api/v1}, authorized by the workspace's admin token
 * ({@code Authorization: Bearer …}); a token only ever reaches its own workspace's data.
 */
package dev.uptake.server.query;
