package dev.uptake.core.identity;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The contract's user and account fields, each with the trait names senders use for it, in order
 * of preference: the contract's snake_case name first, then Segment's reserved camelCase trait
 * ({@code firstName}, {@code address.city}, …).
 */
public final class TraitMapping {

  /** One canonical field, its type, and where senders put it. */
  record Field(String name, TraitType type, List<String> sources) {}

  static final List<Field> USER =
      List.of(
          new Field("firstName", TraitType.TEXT, List.of("first_name", "firstName")),
          new Field("lastName", TraitType.TEXT, List.of("last_name", "lastName")),
          new Field("email", TraitType.TEXT, List.of("email")),
          new Field("phone", TraitType.TEXT, List.of("phone")),
          new Field("mobilePhone", TraitType.TEXT, List.of("mobile_phone", "mobilePhone")),
          new Field("salutation", TraitType.TEXT, List.of("salutation")),
          new Field("title", TraitType.TEXT, List.of("title")),
          new Field("role", TraitType.TEXT, List.of("role")),
          new Field("department", TraitType.TEXT, List.of("department")),
          new Field("mailingStreet", TraitType.TEXT, List.of("mailing_street", "address.street")),
          new Field("mailingCity", TraitType.TEXT, List.of("mailing_city", "address.city")),
          new Field("mailingState", TraitType.TEXT, List.of("mailing_state", "address.state")),
          new Field("mailingPostal", TraitType.TEXT, List.of("mailing_postal", "address.postalCode", "address.postal_code")),
          new Field("mailingCountry", TraitType.TEXT, List.of("mailing_country", "address.country")),
          new Field("isActive", TraitType.BOOLEAN, List.of("is_active", "isActive")));

  static final List<Field> ACCOUNT =
      List.of(
          new Field("name", TraitType.TEXT, List.of("name")),
          new Field("createdAt", TraitType.DATE, List.of("createdAt", "created_at")),
          new Field("email", TraitType.TEXT, List.of("email")),
          new Field("description", TraitType.LONG_TEXT, List.of("description")),
          new Field("phone", TraitType.TEXT, List.of("phone")),
          new Field("website", TraitType.TEXT, List.of("website")),
          new Field("industry", TraitType.TEXT, List.of("industry")),
          new Field("employees", TraitType.NUMBER, List.of("employees")),
          new Field("tier", TraitType.TIER, List.of("tier", "plan")),
          new Field("lifecycleStage", TraitType.LIFECYCLE_STAGE, List.of("lifecycle_stage", "lifecycleStage")),
          new Field("billingStreet", TraitType.TEXT, List.of("billing_street", "address.street")),
          new Field("billingCity", TraitType.TEXT, List.of("billing_city", "biling_city", "address.city")),
          new Field("billingState", TraitType.TEXT, List.of("billing_state", "address.state")),
          new Field("billingPostal", TraitType.TEXT, List.of("billing_postal", "address.postalCode", "address.postal_code")),
          new Field("billingCountry", TraitType.TEXT, List.of("billing_country", "address.country")),
          new Field("isChurned", TraitType.BOOLEAN, List.of("is_churned", "isChurned")),
          new Field("isActive", TraitType.BOOLEAN, List.of("is_active", "isActive")));

  /** The user fields' canonical names, in the contract's order. */
  public static final List<String> USER_FIELDS = USER.stream().map(Field::name).toList();

  /** The account fields' canonical names, in the contract's order. */
  public static final List<String> ACCOUNT_FIELDS = ACCOUNT.stream().map(Field::name).toList();

  private TraitMapping() {}

  /** The top-level trait names a mapping reads; every other trait is kept as sent. */
  static Set<String> topLevelNames(List<Field> fields) {
    return fields.stream()
        .flatMap(field -> field.sources().stream())
        .map(source -> source.contains(".") ? source.substring(0, source.indexOf('.')) : source)
        .collect(Collectors.toUnmodifiableSet());
  }
}
