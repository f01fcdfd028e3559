package dev.uptake.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.health.HealthModel;
import dev.uptake.core.health.HealthScorer;
import dev.uptake.core.rollups.ActivityFigures;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * An account's health score from the figures its row in the accounts list has, so the score
 * follows from what the list shows by the model's rules. Module and feature metrics are not among
 * those figures yet: measures of them have no value (and share their weight).
 */
final class AccountHealth {

  private AccountHealth() {}

  /** The row's score under {@code model}, or empty (no profile matches, no value). */
  static Optional<HealthScorer.Score> of(HealthModel model, AccountDirectory.Row row, ZoneId zone) {
    if (model.profiles().isEmpty()) {
      return Optional.empty();
    }
    return HealthScorer.score(model, text(row, "tier"), text(row, "lifecycleStage"), metric -> value(row, metric, zone));
  }

  private static OptionalDouble value(AccountDirectory.Row row, String metric, ZoneId zone) {
    ActivityFigures figures = row.figures();
    return switch (metric) {
      case "activeUsers7d" -> OptionalDouble.of(figures.activeUsers7d());
      case "activeUsers30d" -> OptionalDouble.of(figures.activeUsers30d());
      case "sessions30d" -> OptionalDouble.of(figures.sessions30d());
      case "activeSeconds30d" -> OptionalDouble.of(figures.activeMillis30d() / 1000.0);
      case "daysActive30d" -> OptionalDouble.of(figures.daysActive30d());
      case "dauMau" -> figures.dauMau() == null ? OptionalDouble.empty() : OptionalDouble.of(figures.dauMau());
      case "activeSecondsChange30d" ->
          figures.trend() == null ? OptionalDouble.empty() : OptionalDouble.of((figures.trend() - 1) * 100);
      case "daysSinceLastSeen" -> daysSinceLastSeen(row.view().activity().last(), figures.asOf(), zone);
      default -> metric.startsWith("dimension.") ? number(row, metric.substring("dimension.".length())) : OptionalDouble.empty();
    };
  }

  /** Whole days from the day it was last seen (in the workspace's zone) to today; 0 when seen today. */
  private static OptionalDouble daysSinceLastSeen(Instant last, LocalDate yesterday, ZoneId zone) {
    if (last == null) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(Math.max(0, ChronoUnit.DAYS.between(last.atZone(zone).toLocalDate(), yesterday.plusDays(1))));
  }

  private static OptionalDouble number(AccountDirectory.Row row, String dimension) {
    return row.view().dimensions().value(dimension).filter(JsonNode::isNumber)
        .map(node -> OptionalDouble.of(node.asDouble())).orElse(OptionalDouble.empty());
  }

  private static String text(AccountDirectory.Row row, String field) {
    return row.view().account().fields().value(field).filter(node -> !node.isNull()).map(JsonNode::asText).orElse(null);
  }

  /** The score as the API shows it, or JSON null. */
  static JsonNode json(Optional<HealthScorer.Score> scored, ObjectMapper json) {
    if (scored.isEmpty()) {
      return NullNode.getInstance();
    }
    HealthScorer.Score score = scored.get();
    ObjectNode node = json.createObjectNode();
    node.put("score", score.score());
    node.put("band", score.band().id());
    node.put("profile", score.profile());
    node.putNull("trend"); // needs the score's history, which is not kept yet
    ArrayNode groups = node.putArray("groups");
    score.groups().forEach(group -> groups.addObject().put("name", group.name()).put("score", group.score()));
    ArrayNode measures = node.putArray("measures");
    score.measures().forEach(measure -> measures.addObject().put("metric", measure.metric()).put("value", measure.value())
        .put("score", measure.score()));
    if (score.detractor() == null) {
      node.putNull("detractor");
    } else {
      node.putObject("detractor").put("metric", score.detractor().metric()).put("score", score.detractor().score());
    }
    return node;
  }
}
