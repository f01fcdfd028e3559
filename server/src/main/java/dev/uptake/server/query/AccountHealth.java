package dev.uptake.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.health.HealthScorer;

/** An account's health as the API shows it: {@code health} on the accounts list and an account's detail. */
final class AccountHealth {

  private AccountHealth() {}

  /** The score with its trend, groups, measures and detractor, or JSON null. */
  static JsonNode json(AccountScore health, ObjectMapper json) {
    if (health == null || health.score() == null) {
      return NullNode.getInstance();
    }
    HealthScorer.Score score = health.score();
    ObjectNode node = json.createObjectNode();
    node.put("score", score.score());
    node.put("band", score.band().id());
    node.put("profile", score.profile());
    node.put("trend", health.trend());
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
