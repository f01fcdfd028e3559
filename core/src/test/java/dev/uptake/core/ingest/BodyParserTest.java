package dev.uptake.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.fixtures.Events;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyParserTest {

  final BodyParser parser = new BodyParser(Events.JSON);

  Body parse(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  Body.Parsed parsed(String body) {
    Body result = parse(body);
    assertThat(result).isInstanceOf(Body.Parsed.class);
    return (Body.Parsed) result;
  }

  static List<JsonNode> values(Body.Parsed parsed) {
    return parsed.items().stream().map(item -> ((Body.Value) item).node()).toList();
  }

  @Test
  void oneObjectIsASingleEventRequest() {
    Body.Parsed parsed = parsed(Events.track("A").set("writeKey", "k1").json());
    assertThat(parsed.shape()).isEqualTo(Body.Shape.SINGLE);
    assertThat(parsed.items()).hasSize(1);
    assertThat(parsed.writeKey()).isEqualTo("k1");
  }

  @Test
  void prettyPrintedObjectIsStillOneEvent() {
    Body.Parsed parsed = parsed("{\n  \"type\": \"track\",\n  \"event\": \"A\"\n}\n");
    assertThat(parsed.shape()).isEqualTo(Body.Shape.SINGLE);
  }

  @Test
  void segmentBatchMergesBatchContextIntoEachEventWithoutOverriding() {
    String body =
        "{\"writeKey\":\"k\",\"context\":{\"library\":{\"name\":\"analytics-java\"},\"ip\":\"1.2.3.4\"},"
            + "\"integrations\":{\"All\":true},\"batch\":["
            + Events.track("A").json() + ","
            + Events.track("B").set("context.ip", "5.6.7.8").json() + "]}";
    Body.Parsed parsed = parsed(body);
    assertThat(parsed.shape()).isEqualTo(Body.Shape.BATCH);
    assertThat(parsed.writeKey()).isEqualTo("k");
    List<JsonNode> events = values(parsed);
    assertThat(events.get(0).at("/context/library/name").asText()).isEqualTo("analytics-java");
    assertThat(events.get(0).at("/integrations/All").asBoolean()).isTrue();
    assertThat(events.get(1).at("/context/ip").asText()).isEqualTo("5.6.7.8");
    assertThat(events.get(1).at("/context/library/name").asText()).isEqualTo("analytics-java");
  }

  @Test
  void jsonArrayIsABatch() {
    Body.Parsed parsed = parsed("[" + Events.track("A").json() + "," + Events.track("B").json() + "]");
    assertThat(parsed.shape()).isEqualTo(Body.Shape.ARRAY);
    assertThat(values(parsed)).extracting(node -> node.get("event").asText()).containsExactly("A", "B");
  }

  @Test
  void newlineDelimitedJsonWithLfOrCrLfGivesOneItemPerLine() {
    String lf = Events.track("A").json() + "\n" + Events.track("B").json() + "\n";
    String crlf = Events.track("A").json() + "\r\n" + Events.track("B").json() + "\r\n";
    assertThat(parsed(lf).shape()).isEqualTo(Body.Shape.NDJSON);
    assertThat(values(parsed(lf))).hasSize(2);
    assertThat(values(parsed(crlf))).extracting(node -> node.get("event").asText()).containsExactly("A", "B");
  }

  @Test
  void malformedLineOfNdjsonIsRejectedAloneWithItsLineAndColumn() {
    String body = Events.track("A").json() + "\n{\"type\": tr\n" + Events.track("C").json() + "\n";
    Body.Parsed parsed = parsed(body);
    assertThat(parsed.shape()).isEqualTo(Body.Shape.NDJSON);
    assertThat(parsed.items()).hasSize(3);
    assertThat(parsed.items().get(1)).isInstanceOfSatisfying(
        Body.Unparsable.class,
        bad -> assertThat(bad.rejection().reason()).contains("line 2, column 10").doesNotContain("Source"));
    assertThat(parsed.items().get(2)).isInstanceOf(Body.Value.class);
  }

  @Test
  void ndjsonLineThatLooksLikeUtf32IsRejectedAlone() {
    String body = Events.track("A").json() + "\n\u0000\u0000\u0000{\"a\":1}\n" + Events.track("C").json() + "\n";
    Body.Parsed parsed = parsed(body);
    assertThat(parsed.items()).hasSize(3);
    assertThat(parsed.items().get(1)).isInstanceOfSatisfying(
        Body.Unparsable.class, bad -> assertThat(bad.rejection().reason()).contains("line 2").contains("UTF-8"));
    assertThat(parsed.items().get(2)).isInstanceOf(Body.Value.class);
  }

  @Test
  void malformedJsonNamesLineAndColumn() {
    Body result = parse("{\"type\":\"track\",\n \"event\": oops}");
    assertThat(result).isInstanceOfSatisfying(
        Body.Malformed.class,
        malformed -> {
          assertThat(malformed.line()).isEqualTo(2);
          assertThat(malformed.column()).isEqualTo(11);
          assertThat(malformed.reason()).contains("line 2, column 11");
        });
  }

  @Test
  void emptyBodyIsMalformed() {
    assertThat(parse("  \n")).isInstanceOfSatisfying(
        Body.Malformed.class, malformed -> assertThat(malformed.reason()).contains("empty"));
  }

  @Test
  void scalarBodyIsMalformed() {
    assertThat(parse("42")).isInstanceOf(Body.Malformed.class);
  }

  @Test
  void batchThatIsNotAnArrayIsMalformed() {
    assertThat(parse("{\"batch\":{}}")).isInstanceOfSatisfying(
        Body.Malformed.class, malformed -> assertThat(malformed.reason()).contains("batch must be an array"));
  }

  @Test
  void truncatedBatchIsMalformedNotPartlyAccepted() {
    assertThat(parse("{\"batch\":[" + Events.track("A").json())).isInstanceOf(Body.Malformed.class);
  }
}
