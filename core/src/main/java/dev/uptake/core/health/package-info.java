/**
 * Health scores: a workspace's {@link dev.uptake.core.health.HealthModel} (profiles of weighted
 * groups of measures, and the bands), read and validated by {@link
 * dev.uptake.core.health.HealthModelCodec}, and {@link dev.uptake.core.health.HealthScorer}, which
 * scores an account from its figures and explains the score.
 */
package dev.uptake.core.health;
