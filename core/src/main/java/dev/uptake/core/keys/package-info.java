/**
 * Workspace credentials: their format, the region each carries, and how new ones are made.
 *
 * <p>A key reads {@code <region>_<kind>_<random>} ({@code us_api_…}), so a request that reaches
 * the wrong datacenter is recognized without a lookup and told where to go.
 */
package dev.uptake.core.keys;
