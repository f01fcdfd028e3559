/**
 * Sessions: the events of one workspace and session key, ordered by event time (ties by
 * messageId), split wherever the gap between two is longer than the timeout. Pure functions of
 * their events, so recomputing a session from its events always gives the same session.
 */
package dev.uptake.core.sessions;
