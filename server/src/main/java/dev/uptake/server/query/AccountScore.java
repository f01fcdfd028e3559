package dev.uptake.server.query;

import dev.uptake.core.health.HealthScorer;

/**
 * An account's health as the API shows it.
 *
 * @param score null when no profile matches the account or none of its measures has a value
 * @param trend the score minus the one recorded 7 days before under the same model; null without one
 */
public record AccountScore(HealthScorer.Score score, Double trend) {

  public static final AccountScore NONE = new AccountScore(null, null);
}
