package dev.uptake.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.event.Event;
import dev.uptake.core.event.EventType;
import dev.uptake.core.fixtures.Events;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract's base properties and each call type's own, present, missing and invalid. */
class NormalizerTest {

  static final Instant RECEIVED = Instant.parse("2024-05-01T10:05:00Z");

  final Normalizer normalizer = new Normalizer(Events.JSON);

  Outcome normalize(Events events) {
    return normalizer.normalize(events.node(), RECEIVED, null);
  }

  Event accepted(Events events) {
    Outcome outcome = normalize(events);
    assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
    return ((Outcome.Accepted) outcome).event();
  }

  List<Warning> warnings(Events events) {
    return ((Outcome.Accepted) normalize(events)).warnings();
  }

  Rejection rejection(Events events) {
    Outcome outcome = normalize(events);
    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    return ((Outcome.Rejected) outcome).rejection();
  }

  @Nested
  class Type {
    @Test
    void eachSegmentCallTypeIsAccepted() {
      assertThat(accepted(Events.track("Export")).type()).isEqualTo(EventType.TRACK);
      assertThat(accepted(Events.identify()).type()).isEqualTo(EventType.IDENTIFY);
      assertThat(accepted(Events.group("acme")).type()).isEqualTo(EventType.GROUP);
      assertThat(accepted(Events.page("Home")).type()).isEqualTo(EventType.PAGE);
    }

    @Test
    void missingTypeIsRejectedNamingType() {
      Rejection rejection = rejection(Events.track("Export").without("type"));
      assertThat(rejection.field()).isEqualTo("type");
      assertThat(rejection.reason()).contains("required").contains("track, identify, group");
    }

    @Test
    void unknownTypeIsRejectedNamingTheValue() {
      Rejection rejection = rejection(Events.track("Export").set("type", "click"));
      assertThat(rejection.field()).isEqualTo("type");
      assertThat(rejection.reason()).contains("'click'");
    }

    @Test
    void nonStringTypeIsRejected() {
      assertThat(rejection(Events.track("Export").set("type", 7)).field()).isEqualTo("type");
    }

    @Test
    void endpointImpliesTheTypeWhenTheBodyHasNone() {
      ObjectNode node = Events.track("Export").without("type").node();
      Outcome outcome = normalizer.normalize(node, RECEIVED, EventType.TRACK);
      assertThat(((Outcome.Accepted) outcome).event().type()).isEqualTo(EventType.TRACK);
    }

    @Test
    void typeThatContradictsTheEndpointIsRejected() {
      Outcome outcome = normalizer.normalize(Events.identify().node(), RECEIVED, EventType.TRACK);
      assertThat(((Outcome.Rejected) outcome).rejection().reason())
          .contains("'identify'")
          .contains("takes track");
    }
  }

  @Nested
  class AnonymousId {
    @Test
    void presentAnonymousIdIsTheSessionKey() {
      Event event = accepted(Events.track("Export").session("sess-9"));
      assertThat(event.anonymousId()).isEqualTo("sess-9");
      assertThat(event.sessionKey()).isEqualTo("sess-9");
    }

    @Test
    void missingAnonymousIdFallsBackToUserIdAsSessionKey() {
      Event event = accepted(Events.track("Export").user("u7").without("anonymousId"));
      assertThat(event.anonymousId()).isNull();
      assertThat(event.sessionKey()).isEqualTo("u7");
    }

    @Test
    void invalidAnonymousIdIsRejectedNamingIt() {
      Rejection rejection = rejection(Events.track("Export").set("anonymousId", Map.of("a", 1)));
      assertThat(rejection.field()).isEqualTo("anonymousId");
      assertThat(rejection.reason()).contains("must be a string").contains("an object");
    }
  }

  @Nested
  class OriginalTimestamp {
    @Test
    void originalTimestampIsTheEventTime() {
      Event event = accepted(Events.track("Export").at("2024-05-01T09:59:30.250+02:00"));
      assertThat(event.eventTime()).isEqualTo(Instant.parse("2024-05-01T07:59:30.250Z"));
      assertThat(event.receivedAt()).isEqualTo(RECEIVED);
    }

    @Test
    void timestampIsReadWhenOriginalTimestampIsMissing() {
      Event event =
          accepted(Events.track("Export").without("originalTimestamp").set("timestamp", "2024-05-01T08:00:00Z"));
      assertThat(event.eventTime()).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
    }

    @Test
    void originalTimestampWinsOverTimestamp() {
      Event event = accepted(Events.track("Export").set("timestamp", "2024-05-01T08:00:00Z"));
      assertThat(event.eventTime()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void missingTimeIsRejectedNamingOriginalTimestamp() {
      Rejection rejection = rejection(Events.track("Export").without("originalTimestamp"));
      assertThat(rejection.field()).isEqualTo("originalTimestamp");
      assertThat(rejection.reason()).contains("required").contains("ISO-8601");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2024-05-01", "2024-05-01T10:00:00", "2024-13-01T10:00:00Z", ""})
    void unparsableTimeIsRejectedNamingOriginalTimestamp(String time) {
      Rejection rejection = rejection(Events.track("Export").at(time));
      assertThat(rejection.field()).isEqualTo("originalTimestamp");
    }

    @Test
    void offsetWithoutColonIsUnderstood() {
      assertThat(accepted(Events.track("Export").at("2024-05-01T10:00:00+0000")).eventTime())
          .isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void eventMoreThan24HoursInTheFutureIsRejected() {
      Rejection rejection = rejection(Events.track("Export").at("2024-05-02T10:05:01Z"));
      assertThat(rejection.field()).isEqualTo("originalTimestamp");
      assertThat(rejection.reason()).contains("more than 24 hours");
    }

    @Test
    void eventExactly24HoursAheadIsAccepted() {
      accepted(Events.track("Export").at("2024-05-02T10:05:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-292275055-05-16T16:47:04.192Z", "-999999999-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
      "0001-01-01T00:00:00Z"})
    void eventBefore1970IsRejectedNamingTheField(String time) {
      Rejection rejection = rejection(Events.track("Export").at(time));
      assertThat(rejection.field()).isEqualTo("originalTimestamp");
      assertThat(rejection.reason()).contains("before 1970-01-01T00:00:00Z");
    }

    @Test
    void eventAtTheEpochIsAccepted() {
      assertThat(accepted(Events.track("Export").at("1970-01-01T00:00:00Z")).eventTime()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void timestampFarInTheFutureIsRejectedWithoutOverflow() {
      Rejection rejection = rejection(Events.track("Export").at("+999999999-12-31T23:59:59Z"));
      assertThat(rejection.field()).isEqualTo("originalTimestamp");
      assertThat(rejection.reason()).contains("more than 24 hours");
    }
  }

  @Nested
  class UserId {
    @Test
    void presentUserIdIsKept() {
      assertThat(accepted(Events.track("Export").user("user-42")).userId()).isEqualTo("user-42");
    }

    @Test
    void numericUserIdIsReadAsItsText() {
      Outcome.Accepted ok = (Outcome.Accepted) normalize(Events.track("Export").set("userId", 1234));
      assertThat(ok.event().userId()).isEqualTo("1234");
      assertThat(ok.event().payload()).contains("\"userId\":\"1234\"");
    }

    @Test
    void missingUserIdIsRejectedNamingIt() {
      Rejection rejection = rejection(Events.track("Export").without("userId"));
      assertThat(rejection.field()).isEqualTo("userId");
      assertThat(rejection.reason()).contains("userId is required");
    }

    @Test
    void blankUserIdIsRejected() {
      assertThat(rejection(Events.track("Export").user("  ")).reason()).contains("must not be empty");
    }

    @Test
    void nonStringUserIdIsRejected() {
      assertThat(rejection(Events.track("Export").set("userId", true)).reason()).contains("a boolean");
    }

    @Test
    void overlongUserIdIsRejected() {
      assertThat(rejection(Events.track("Export").user("u".repeat(1025))).reason()).contains("1025 characters");
    }
  }

  @Nested
  class GroupId {
    @Test
    void presentGroupIdIsTheEventsAccount() {
      assertThat(accepted(Events.track("Export").account("acme")).groupId()).isEqualTo("acme");
    }

    @Test
    void missingGroupIdIsAcceptedForAttributionLater() {
      assertThat(accepted(Events.track("Export")).groupId()).isNull();
    }

    @Test
    void invalidGroupIdIsDroppedWithAWarningAndTheEventKept() {
      Events events = Events.track("Export").set("groupId", List.of(1, 2));
      Event event = accepted(events);
      assertThat(event.groupId()).isNull();
      assertThat(event.payload()).doesNotContain("groupId");
      assertThat(warnings(events)).singleElement().satisfies(w -> assertThat(w.field()).isEqualTo("groupId"));
    }

    @Test
    void contextGroupIdThenPropertiesGroupIdNameTheAccount() {
      assertThat(accepted(Events.track("Export").set("context.groupId", "ctx").set("properties.groupId", "prop")).groupId())
          .isEqualTo("ctx");
      assertThat(accepted(Events.track("Export").set("properties.groupId", "prop")).groupId()).isEqualTo("prop");
      assertThat(accepted(Events.track("Export").account("own").set("context.groupId", "ctx")).groupId()).isEqualTo("own");
    }

    @Test
    void invalidContextGroupIdIsDroppedWithAWarningNamingItsPath() {
      Events events = Events.track("Export").set("context.groupId", 1.5).set("properties.groupId", "prop");
      assertThat(accepted(events).groupId()).isEqualTo("prop");
      assertThat(warnings(events)).extracting(Warning::field).containsExactly("context.groupId");
    }

    @Test
    void groupCallWithoutGroupIdIsRejected() {
      Rejection rejection = rejection(Events.group("acme").without("groupId"));
      assertThat(rejection.field()).isEqualTo("groupId");
    }
  }

  @Nested
  class TrackEvent {
    @Test
    void eventNameIsTheFeatureAndModuleIsRead() {
      Event event = accepted(Events.track("Add Widget").module("Dashboard"));
      assertThat(event.name()).isEqualTo("Add Widget");
      assertThat(event.module()).isEqualTo("Dashboard");
    }

    @Test
    void trackWithoutEventIsRejected() {
      assertThat(rejection(Events.track("x").without("event")).field()).isEqualTo("event");
    }

    @Test
    void missingModuleIsFine() {
      assertThat(accepted(Events.track("Export")).module()).isNull();
    }

    @Test
    void nonStringModuleIsDroppedWithAWarning() {
      Events events = Events.track("Export").set("properties.module", 5);
      assertThat(accepted(events).module()).isNull();
      assertThat(warnings(events)).extracting(Warning::field).containsExactly("properties.module");
    }
  }

  @Nested
  class MessageId {
    @Test
    void sendersMessageIdIsKept() {
      assertThat(accepted(Events.track("Export").messageId("abc")).messageId()).isEqualTo("abc");
    }

    @Test
    void missingMessageIdIsDerivedTheSameForARetriedCopy() {
      ObjectNode first = Events.track("Export").without("messageId").set("sentAt", "2024-05-01T10:00:01Z").node();
      ObjectNode retry = first.deepCopy();
      retry.put("sentAt", "2024-05-01T10:03:00Z");
      String a = ((Outcome.Accepted) normalizer.normalize(first, RECEIVED, null)).event().messageId();
      String b = ((Outcome.Accepted) normalizer.normalize(retry, RECEIVED, null)).event().messageId();
      assertThat(a).startsWith("derived-").isEqualTo(b);
    }

    @Test
    void derivedMessageIdIgnoresKeyOrder() throws Exception {
      JsonNode one = Events.JSON.readTree("{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"properties\":{\"a\":1,\"b\":2}}");
      JsonNode two = Events.JSON.readTree("{\"properties\":{\"b\":2,\"a\":1},\"timestamp\":\"2024-05-01T10:00:00Z\",\"userId\":\"u\",\"event\":\"E\",\"type\":\"track\"}");
      assertThat(messageId(one)).isEqualTo(messageId(two));
    }

    @Test
    void differentEventsDeriveDifferentMessageIds() {
      Events a = Events.track("Export").without("messageId");
      Events b = Events.track("Export").without("messageId").at("2024-05-01T10:00:01Z");
      assertThat(accepted(a).messageId()).isNotEqualTo(accepted(b).messageId());
    }

    @Test
    void nonStringMessageIdIsRejected() {
      assertThat(rejection(Events.track("Export").set("messageId", Map.of())).field()).isEqualTo("messageId");
    }

    String messageId(JsonNode node) {
      return ((Outcome.Accepted) normalizer.normalize(node, RECEIVED, null)).event().messageId();
    }
  }

  @Nested
  class Payload {
    @Test
    void writeKeyIsNeverStored() {
      Event event = accepted(Events.track("Export").set("writeKey", "us_wk_secret"));
      assertThat(event.payload()).doesNotContain("us_wk_secret");
    }

    @Test
    void eventOver32KbIsRejectedAsTooLarge() {
      Rejection rejection = rejection(Events.track("Export").set("properties.blob", "x".repeat(33_000)));
      assertThat(rejection.tooLarge()).isTrue();
      assertThat(rejection.reason()).contains("32768");
    }

    @Test
    void nonObjectItemIsRejected() {
      Outcome outcome = normalizer.normalize(Events.JSON.valueToTree(List.of(1)), RECEIVED, null);
      assertThat(((Outcome.Rejected) outcome).rejection().reason()).contains("JSON object");
    }
  }

  @Nested
  class NativeEvents {
    Event nativeEvent(String json) throws Exception {
      Outcome outcome = normalizer.normalize(Events.JSON.readTree(json), RECEIVED, null);
      assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
      return ((Outcome.Accepted) outcome).event();
    }

    @Test
    void snakeCaseNativeEventIsATrackCall() throws Exception {
      Event event =
          nativeEvent(
              "{\"account_id\":\"acme\",\"user_id\":\"u1\",\"session_id\":\"s1\","
                  + "\"created_at\":1714557600000,\"feature\":\"Export\",\"module\":\"Reports\",\"time_spent\":42}");
      assertThat(event.type()).isEqualTo(EventType.TRACK);
      assertThat(event.groupId()).isEqualTo("acme");
      assertThat(event.userId()).isEqualTo("u1");
      assertThat(event.sessionKey()).isEqualTo("s1");
      assertThat(event.eventTime()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
      assertThat(event.name()).isEqualTo("Export");
      assertThat(event.module()).isEqualTo("Reports");
      assertThat(event.payload()).contains("\"time_spent\":42");
    }

    @Test
    void camelCaseNativeEventReadsTheSame() throws Exception {
      Event event =
          nativeEvent(
              "{\"accountId\":\"acme\",\"userId\":\"u1\",\"sessionId\":\"s1\","
                  + "\"createdAt\":\"1714557600000\",\"action\":\"moduleEnd\",\"module\":\"Reports\"}");
      assertThat(event.groupId()).isEqualTo("acme");
      assertThat(event.sessionKey()).isEqualTo("s1");
      assertThat(event.name()).isEqualTo("moduleEnd");
      assertThat(event.eventTime()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void nativeEventWithBadCreatedAtIsRejectedNamingIt() throws Exception {
      Outcome outcome =
          normalizer.normalize(
              Events.JSON.readTree("{\"user_id\":\"u1\",\"created_at\":\"soon\",\"feature\":\"F\"}"), RECEIVED, null);
      assertThat(((Outcome.Rejected) outcome).rejection().field()).isEqualTo("created_at");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-9223372036854775808", "\"-9223372036854775808\"", "-1", "9223372036854775808",
      "1e300"})
    void nativeCreatedAtOutOfRangeIsRejectedNamingIt(String createdAt) throws Exception {
      Outcome outcome = normalizer.normalize(
          Events.JSON.readTree("{\"user_id\":\"u1\",\"created_at\":" + createdAt + ",\"feature\":\"F\"}"), RECEIVED, null);
      assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
      assertThat(((Outcome.Rejected) outcome).rejection().field()).isIn("created_at", "originalTimestamp");
    }

    @Test
    void nativeEventWithoutUserIsRejectedNamingUserId() throws Exception {
      Outcome outcome =
          normalizer.normalize(
              Events.JSON.readTree("{\"account_id\":\"a\",\"created_at\":1714557600000,\"feature\":\"F\"}"), RECEIVED, null);
      assertThat(((Outcome.Rejected) outcome).rejection().field()).isEqualTo("userId");
    }
  }

  @Test
  void nulCharacterInAnIdRejectsTheEventAndInAModuleDropsTheModule() {
    assertThat(rejection(Events.track("Open").user("u\u00001"))).satisfies(rejection -> {
      assertThat(rejection.field()).isEqualTo("userId");
      assertThat(rejection.reason()).contains("NUL character (U+0000)");
    });
    assertThat(rejection(Events.track("Op\u0000en")).field()).isEqualTo("event");
    Outcome.Rejected rejected = (Outcome.Rejected) normalize(Events.track("Open").user("u\u00001").messageId("m\u00002"));
    assertThat(rejected.messageId()).as("shown, not stored, as U+FFFD").isEqualTo("m\uFFFD2");
    Outcome.Accepted accepted = (Outcome.Accepted) normalize(Events.track("Open").module("Rep\u0000orts"));
    assertThat(accepted.event().module()).isNull();
    assertThat(accepted.warnings()).extracting(Warning::field).containsExactly("properties.module");
  }
}
