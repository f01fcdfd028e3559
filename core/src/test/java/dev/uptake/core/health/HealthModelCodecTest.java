package dev.uptake.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.settings.InvalidSettingsException;
import dev.uptake.core.settings.SettingsCodec;
import dev.uptake.core.settings.WorkspaceSettings;
import java.util.OptionalDouble;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HealthModelCodecTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String EXAMPLE = "{\"bands\":{\"red\":30,\"yellow\":70},\"profiles\":[{\"name\":\"Enterprise\",\"when\":"
      + "{\"tier\":[\"Gold\"]},\"seatsDimension\":\"seats\",\"groups\":[{\"name\":\"Engagement\",\"weight\":3,\"measures\":"
      + "[{\"metric\":\"activeUsers30d\",\"zeroAt\":0,\"fullAt\":20},{\"metric\":\"daysSinceLastSeen\",\"zeroAt\":14,"
      + "\"fullAt\":1,\"weight\":2}]}]}]}";

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void theIssuesExampleReadsWritesAndScoresAsTheRulesSay() {
    HealthModel model = HealthModelCodec.read(json(EXAMPLE));
    assertThat(HealthModelCodec.read(HealthModelCodec.write(model))).isEqualTo(model);

    // 10 of 20 active users: 50 (weight 1); last seen 4 days ago: (4 − 14) / (1 − 14) = 76.9 (weight 2).
    HealthScorer.Figures figures = metric -> switch (metric) {
      case "activeUsers30d" -> OptionalDouble.of(10);
      case "daysSinceLastSeen" -> OptionalDouble.of(4);
      default -> OptionalDouble.empty();
    };
    HealthScorer.Score score = HealthScorer.score(model, "Gold", null, figures).orElseThrow();
    assertThat(score.score()).isEqualTo(67.9); // (50 + 2 × 76.92) / 3
    assertThat(score.band()).isEqualTo(HealthModel.Band.YELLOW);
    assertThat(score.profile()).isEqualTo("Enterprise");
    assertThat(score.detractor().metric()).isEqualTo("activeUsers30d"); // 50 × 1/3 lost, against 23.1 × 2/3
    assertThat(HealthScorer.score(model, "Silver", null, figures)).as("no profile matches").isEmpty();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "{\"profiles\":[{\"name\":\"P\",\"groups\":[{\"name\":\"A\",\"measures\":[{\"metric\":\"x\",\"zeroAt\":0,\"fullAt\":1}]},"
          + "{\"name\":\"B\",\"measures\":[{\"metric\":\"nope\",\"zeroAt\":0,\"fullAt\":1}]}]}]} | profiles[0].groups[0].measures[0].metric",
      "{\"profiles\":[{\"name\":\"P\",\"groups\":[{\"name\":\"A\",\"measures\":[]}]}]} | profiles[0].groups[0].measures",
      "{\"profiles\":[{\"name\":\"P\",\"groups\":[{\"name\":\"A\",\"weight\":-1,\"measures\":[{\"metric\":\"dauMau\",\"zeroAt\":0,"
          + "\"fullAt\":1}]}]}]} | profiles[0].groups[0].weight",
      "{\"profiles\":[{\"name\":\"P\",\"groups\":[{\"name\":\"A\",\"measures\":[{\"metric\":\"seatUtilization\",\"zeroAt\":0,"
          + "\"fullAt\":80}]}]}]} | profiles[0].groups[0].measures[0].metric",
      "{\"bands\":{\"red\":80,\"yellow\":70}} | bands",
      "{\"profile\":[]} | profile"})
  void aFaultIsRefusedWithItsPath(String body, String path) {
    assertThatThrownBy(() -> HealthModelCodec.read(json(body))).isInstanceOf(InvalidSettingsException.class)
        .satisfies(e -> assertThat(((InvalidSettingsException) e).field()).isEqualTo(path));
  }

  @Test
  void tiersAreSpelledAsTheSettingsDefineThemAndUndefinedNamesAreRefused() {
    WorkspaceSettings settings = SettingsCodec.read(json("{\"tiers\":[\"Gold\"],\"dimensions\":[{\"name\":\"seats\","
        + "\"type\":\"number\",\"source\":\"group\",\"trait\":\"seats\"},{\"name\":\"plan\",\"type\":\"string\","
        + "\"source\":\"group\",\"trait\":\"plan\"}]}"));
    HealthModel model = HealthModelCodec.checked(HealthModelCodec.read(json(EXAMPLE.replace("\"Gold\"", "\" gold \""))),
        settings);
    assertThat(model.profiles().get(0).when().tiers()).containsExactly("Gold");

    String plan = EXAMPLE.replace("activeUsers30d", "dimension.plan");
    assertThatThrownBy(() -> HealthModelCodec.checked(HealthModelCodec.read(json(plan)), settings))
        .isInstanceOf(InvalidSettingsException.class)
        .satisfies(e -> assertThat(((InvalidSettingsException) e).field()).isEqualTo("profiles[0].groups[0].measures[0].metric"));
  }
}
