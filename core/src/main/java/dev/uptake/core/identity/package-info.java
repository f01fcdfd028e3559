/**
 * Users, accounts and attribution, as order-independent state: every field is a last-writer-wins
 * register ordered by event time (then messageId), so any arrival order of the same events ends
 * in the same users and accounts. {@link dev.uptake.core.identity.IdentityResolver} applies events;
 * {@link dev.uptake.core.identity.Attributor} says which account an event counts for.
 */
package dev.uptake.core.identity;
