package dev.uptake.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uptake.core.event.Event;
import dev.uptake.core.fixtures.Events;
import dev.uptake.core.ingest.Normalizer;
import dev.uptake.core.ingest.Outcome;
import dev.uptake.core.ingest.Warning;
import dev.uptake.core.settings.Dimension;
import dev.uptake.core.settings.DimensionType;
import dev.uptake.core.settings.WorkspaceSettings;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every identify and group row of the contract: present, absent, invalid. */
class IdentityResolverTest {

  static final Instant RECEIVED = Instant.parse("2030-01-01T00:00:00Z");
  static final WorkspaceSettings SETTINGS =
      new WorkspaceSettings(
          List.of("Gold", "Silver"), List.of("Onboarding", "Adopting"),
          List.of(
              new Dimension("seats", DimensionType.NUMBER, Dimension.Source.GROUP, "contract.seats"),
              new Dimension("renewal", DimensionType.DATE, Dimension.Source.GROUP, "renewal_date"),
              new Dimension("segment", DimensionType.STRING, Dimension.Source.GROUP, "segment"),
              new Dimension("nps", DimensionType.NUMBER, Dimension.Source.IDENTIFY, "nps")),
          30, 5, ZoneId.of("UTC"));

  final IdentityResolver resolver = new IdentityResolver(Events.JSON);
  final WorkingSet profiles = new WorkingSet(Map.of(), Map.of());
  final List<Warning> warnings = new ArrayList<>();

  static Event event(Events events) {
    Outcome outcome = new Normalizer(Events.JSON).normalize(events.node(), RECEIVED, null);
    assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
    return ((Outcome.Accepted) outcome).event();
  }

  void apply(Events... events) {
    for (Events e : events) {
      warnings.addAll(resolver.apply(event(e), SETTINGS, profiles));
    }
  }

  UserState user(String id) {
    return profiles.user(id);
  }

  AccountState account(String id) {
    return profiles.account(id);
  }

  static Events identify(Object... traits) {
    Events events = Events.identify().user("u1");
    for (int i = 0; i < traits.length; i += 2) {
      events.set("traits." + traits[i], traits[i + 1]);
    }
    return events;
  }

  static Events group(Object... traits) {
    Events events = Events.group("acme").user("u1");
    for (int i = 0; i < traits.length; i += 2) {
      events.set("traits." + traits[i], traits[i + 1]);
    }
    return events;
  }

  @Nested
  class UserTraits {
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
      "first_name, firstName", "firstName, firstName", "last_name, lastName", "lastName, lastName",
      "email, email", "phone, phone", "mobile_phone, mobilePhone", "salutation, salutation", "title, title",
      "role, role", "department, department", "mailing_street, mailingStreet", "address.street, mailingStreet",
      "mailing_city, mailingCity", "address.city, mailingCity", "mailing_state, mailingState",
      "address.state, mailingState", "mailing_postal, mailingPostal", "address.postalCode, mailingPostal",
      "mailing_country, mailingCountry", "address.country, mailingCountry"
    })
    void eachUserTraitLandsOnItsField(String trait, String field) {
      apply(identify(trait, "value-" + trait));
      assertThat(user("u1").fields().text(field)).contains("value-" + trait);
      assertThat(warnings).isEmpty();
    }

    @Test
    void traitsOnlyInContextTraitsAreRead() {
      apply(Events.identify().user("u1").set("context.traits.email", "ada@example.com").set("context.traits.plan", "pro"));
      assertThat(user("u1").fields().text("email")).contains("ada@example.com");
      assertThat(user("u1").traits().text("plan")).contains("pro");
    }

    @Test
    void traitsAndContextTraitsAreMergedAndTraitsWin() {
      apply(identify("email", "own@example.com")
          .set("context.traits.email", "context@example.com").set("context.traits.title", "CTO"));
      assertThat(user("u1").fields().text("email")).contains("own@example.com");
      assertThat(user("u1").fields().text("title")).contains("CTO");
    }

    @Test
    void contextTraitsThatAreNotAnObjectAreIgnoredWithAWarning() {
      apply(identify("email", "ada@example.com").set("context.traits", "nope"));
      assertThat(user("u1").fields().text("email")).contains("ada@example.com");
      assertThat(warnings).extracting(Warning::field).containsExactly("context.traits");
    }

    @Test
    void absentTraitsLeaveFieldsAsTheyWere() {
      apply(identify("email", "ada@example.com").at("2024-05-01T10:00:00Z"), identify("title", "CTO").at("2024-05-01T11:00:00Z"));
      assertThat(user("u1").fields().text("email")).contains("ada@example.com");
      assertThat(user("u1").fields().text("title")).contains("CTO");
    }

    @Test
    void contractSpellingWinsOverTheSegmentAliasInOneCall() {
      apply(identify("first_name", "Ada", "firstName", "Augusta"));
      assertThat(user("u1").fields().text("firstName")).contains("Ada");
    }

    @Test
    void invalidUserTraitIsDroppedWithAWarningNamingIt() {
      apply(identify("email", Map.of("x", 1), "title", "CTO"));
      assertThat(user("u1").fields().value("email")).isEmpty();
      assertThat(user("u1").fields().text("title")).contains("CTO");
      assertThat(warnings).extracting(Warning::field).containsExactly("traits.email");
    }

    @Test
    void unknownTraitsAreKept() {
      apply(identify("favorite_color", "teal", "plan", Map.of("seats", 3)));
      assertThat(user("u1").traits().text("favorite_color")).contains("teal");
      assertThat(user("u1").traits().value("plan").map(JsonNode::toString)).contains("{\"seats\":3}");
    }

    @Test
    void nullClearsAField() {
      apply(identify("title", "CTO").at("2024-05-01T10:00:00Z"), identify("title", null).at("2024-05-01T11:00:00Z"));
      assertThat(user("u1").fields().value("title")).isEmpty();
    }

    @Test
    void aUserNamedByAnyEventExists() {
      apply(Events.track("Export").user("u9"));
      assertThat(profiles.changedUsers()).extracting(UserState::userId).containsExactly("u9");
    }
  }

  @Nested
  class AccountTraits {
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
      "name, name", "email, email", "phone, phone", "website, website", "industry, industry",
      "billing_street, billingStreet", "address.street, billingStreet", "biling_city, billingCity",
      "billing_city, billingCity", "address.city, billingCity", "billing_state, billingState",
      "address.state, billingState", "billing_postal, billingPostal", "address.postalCode, billingPostal",
      "billing_country, billingCountry", "address.country, billingCountry", "description, description"
    })
    void eachTextTraitLandsOnItsField(String trait, String field) {
      apply(group(trait, "value-" + trait));
      assertThat(account("acme").fields().text(field)).contains("value-" + trait);
      assertThat(warnings).isEmpty();
    }

    @Test
    void groupTraitsOnlyInContextTraitsAreRead() {
      apply(Events.group("acme").user("u1").set("context.traits.name", "Acme")
          .set("context.traits.createdAt", "2023-02-01T00:00:00Z"));
      assertThat(account("acme").fields().text("name")).contains("Acme");
      assertThat(account("acme").pending()).isFalse();
    }

    @Test
    void groupTraitsAndContextTraitsAreMergedAndTraitsWin() {
      apply(group("name", "Acme").set("context.traits.name", "Other").set("context.traits.industry", "Retail"));
      assertThat(account("acme").fields().text("name")).contains("Acme");
      assertThat(account("acme").fields().text("industry")).contains("Retail");
    }

    @Test
    void accountWithNameAndCreatedAtIsFull() {
      apply(group("name", "Acme", "createdAt", "2023-02-01T00:00:00Z"));
      assertThat(account("acme").pending()).isFalse();
      assertThat(account("acme").fields().text("createdAt")).contains("2023-02-01T00:00:00Z");
    }

    @Test
    void accountWithoutNameOrCreatedAtIsPendingUntilBothArrive() {
      apply(group("name", "Acme").at("2024-05-01T10:00:00Z"));
      assertThat(account("acme").pending()).isTrue();
      apply(group("created_at", "2023-02-01").at("2024-05-01T09:00:00Z"));
      assertThat(account("acme").pending()).isFalse();
      assertThat(account("acme").fields().text("createdAt")).contains("2023-02-01");
    }

    @Test
    void accountNamedOnlyByTrackIsPendingWithItsUsageKept() {
      apply(Events.track("Export").account("newco").at("2024-05-01T10:00:00Z"));
      assertThat(account("newco").pending()).isTrue();
      assertThat(account("newco").activity().last()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void invalidCreatedAtIsDroppedWithAWarning() {
      apply(group("name", "Acme", "createdAt", "last spring"));
      assertThat(account("acme").fields().value("createdAt")).isEmpty();
      assertThat(warnings).extracting(Warning::field).containsExactly("traits.createdAt");
    }

    @Test
    void employeesTakeNumbersAndNumericStrings() {
      apply(group("employees", 250).at("2024-05-01T10:00:00Z"));
      assertThat(account("acme").fields().value("employees").map(JsonNode::intValue)).contains(250);
      apply(group("employees", "300").at("2024-05-01T11:00:00Z"));
      assertThat(account("acme").fields().value("employees").map(JsonNode::intValue)).contains(300);
      apply(group("employees", "lots").at("2024-05-01T12:00:00Z"));
      assertThat(account("acme").fields().value("employees").map(JsonNode::intValue)).contains(300);
      assertThat(warnings).extracting(Warning::field).containsExactly("traits.employees");
    }

    @ParameterizedTest(name = "is_churned {0} → {1}")
    @CsvSource({"true, true", "false, false", "'\"true\"', true", "'\"false\"', false", "1, true", "0, false"})
    void isChurnedTakesBooleansTheirStringsAndOneOrZero(String json, boolean churned) throws Exception {
      apply(group("is_churned", Events.JSON.readTree(json)));
      assertThat(account("acme").fields().value("isChurned").map(JsonNode::booleanValue)).contains(churned);
    }

    @Test
    void invalidIsChurnedIsDroppedWithAWarning() {
      apply(group("is_churned", "maybe"));
      assertThat(account("acme").fields().value("isChurned")).isEmpty();
      assertThat(warnings).extracting(Warning::field).containsExactly("traits.is_churned");
    }

    @Test
    void tierMustBeDefinedInTheSettings() {
      apply(group("tier", "gold").at("2024-05-01T10:00:00Z"));
      assertThat(account("acme").fields().text("tier")).contains("Gold");
      apply(group("tier", "Platinum").at("2024-05-01T11:00:00Z"));
      assertThat(account("acme").fields().text("tier")).contains("Gold");
      assertThat(warnings).singleElement().satisfies(w -> {
        assertThat(w.field()).isEqualTo("traits.tier");
        assertThat(w.reason()).contains("'Platinum'").contains("not a tier defined");
      });
    }

    @Test
    void segmentPlanTraitIsTheTier() {
      apply(group("plan", "Silver"));
      assertThat(account("acme").fields().text("tier")).contains("Silver");
    }

    @Test
    void lifecycleStageMustBeDefinedInTheSettings() {
      apply(group("lifecycle_stage", "Adopting").at("2024-05-01T10:00:00Z"), group("lifecycle_stage", "Churning").at("2024-05-01T11:00:00Z"));
      assertThat(account("acme").fields().text("lifecycleStage")).contains("Adopting");
      assertThat(warnings).extracting(Warning::field).containsExactly("traits.lifecycle_stage");
    }

    @Test
    void descriptionOver512CharactersIsCutWithAWarning() {
      apply(group("description", "d".repeat(600)));
      assertThat(account("acme").fields().text("description").orElseThrow()).hasSize(512);
      assertThat(warnings).singleElement().satisfies(w -> assertThat(w.reason()).contains("600 characters").contains("cut to 512"));
    }

    @Test
    void invalidTextTraitOfAnAccountIsDroppedWithAWarning() {
      apply(group("name", Map.of("legal", "Acme GmbH"), "industry", "Retail"));
      assertThat(account("acme").fields().value("name")).isEmpty();
      assertThat(account("acme").fields().text("industry")).contains("Retail");
      assertThat(warnings).extracting(Warning::field).containsExactly("traits.name");
    }

    @Test
    void unknownGroupTraitsAreKept() {
      apply(group("arr", 12000));
      assertThat(account("acme").traits().value("arr").map(JsonNode::intValue)).contains(12000);
    }
  }

  @Nested
  class CustomDimensions {
    @Test
    void groupDimensionsAreTypedFromTheirTraitPath() {
      apply(group("contract", Map.of("seats", "25"), "renewal_date", "2025-03-01", "segment", 7));
      assertThat(account("acme").dimensions().value("seats").map(JsonNode::intValue)).contains(25);
      assertThat(account("acme").dimensions().text("renewal")).contains("2025-03-01");
      assertThat(account("acme").dimensions().text("segment")).contains("7");
    }

    @Test
    void badDimensionValueIsDroppedWithAWarning() {
      apply(group("contract", Map.of("seats", "many"), "renewal_date", "soon"));
      assertThat(account("acme").dimensions().values()).isEmpty();
      assertThat(warnings).extracting(Warning::field).containsExactlyInAnyOrder("traits.contract.seats", "traits.renewal_date");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"1e999999999\"", "1e999999999", "-1e400", "\"NaN\"", "\"Infinity\""})
    void numberThatIsNotFiniteIsDroppedWithAWarning(String seats) throws Exception {
      apply(group("contract", Map.of("seats", Events.JSON.readTree(seats))));
      assertThat(account("acme").dimensions().value("seats")).isEmpty();
      assertThat(warnings).singleElement().satisfies(warning -> {
        assertThat(warning.field()).isEqualTo("traits.contract.seats");
        assertThat(warning.reason()).contains("finite number");
      });
    }

    @Test
    void largestFiniteNumberIsKept() {
      apply(group("contract", Map.of("seats", "1.7976931348623157E308")));
      assertThat(account("acme").dimensions().value("seats").map(JsonNode::doubleValue)).contains(Double.MAX_VALUE);
    }

    @Test
    void identifyDimensionIsKeptOnTheUserForTheirAccount() {
      apply(identify("nps", 9));
      assertThat(user("u1").dimensions().value("nps").map(JsonNode::intValue)).contains(9);
    }
  }

  @Nested
  class Attribution {
    @Test
    void eventNamingAnAccountCountsForIt() {
      apply(Events.track("Export").account("acme"));
      assertThat(Attributor.account(event(Events.track("Export").account("acme")), user("u1"))).isEqualTo("acme");
    }

    @Test
    void eventWithoutAccountCountsForTheUsersLatestLink() {
      apply(Events.track("A").account("old").at("2024-05-01T10:00:00Z"), Events.track("B").account("new").at("2024-05-02T10:00:00Z"));
      Event linkless = event(Events.track("C").at("2024-05-03T10:00:00Z"));
      assertThat(Attributor.account(linkless, user("u1"))).isEqualTo("new");
    }

    @Test
    void eventWithoutAccountIsAttributedOnceTheLinkAppears() {
      Event early = event(Events.track("C").at("2024-05-01T10:00:00Z"));
      apply(Events.track("C").at("2024-05-01T10:00:00Z"));
      assertThat(Attributor.account(early, user("u1"))).isNull();
      apply(Events.group("acme").at("2024-05-02T10:00:00Z"));
      assertThat(Attributor.account(early, user("u1"))).isEqualTo("acme");
    }

    @Test
    void olderLinkArrivingLateDoesNotReplaceANewerOne() {
      apply(Events.track("B").account("new").at("2024-05-02T10:00:00Z"), Events.track("A").account("old").at("2024-05-01T10:00:00Z"));
      assertThat(user("u1").accountId()).isEqualTo("new");
    }
  }

  @Test
  void laterEventTimeWinsWhateverTheArrivalOrder() {
    apply(identify("title", "CTO").at("2024-05-02T10:00:00Z"), identify("title", "Engineer").at("2024-05-01T10:00:00Z"));
    assertThat(user("u1").fields().text("title")).contains("CTO");
  }
}
