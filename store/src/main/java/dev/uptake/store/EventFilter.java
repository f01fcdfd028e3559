package dev.uptake.store;

import dev.uptake.core.event.EventType;
import java.time.Instant;

/**
 * Which logged events to list; null parts do not filter.
 *
 * @param accountId events that name the account, and account-less events of its linked users
 * @param from event time at or after
 * @param to event time before
 */
public record EventFilter(String accountId, String userId, EventType type, Instant from, Instant to) {}
