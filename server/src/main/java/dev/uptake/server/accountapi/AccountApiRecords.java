package dev.uptake.server.accountapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.identity.AccountView;
import dev.uptake.core.identity.Fields;
import dev.uptake.core.identity.UserState;
import dev.uptake.core.settings.Dimension;
import dev.uptake.core.settings.DimensionType;
import dev.uptake.core.settings.WorkspaceSettings;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accounts and users as the Account API v2 writes them: its snake_case names, timestamps in epoch
 * milliseconds, custom dimensions as {@code {"key", "value"}} lists by type (label: text, value:
 * number, event: date).
 */
final class AccountApiRecords {

  /** The contract's account field → the Account API's name, in the order records show them (every node alike). */
  private static final Map<String, String> ACCOUNT = ordered(
      Map.entry("name", "name"), Map.entry("description", "description"), Map.entry("phone", "phone"),
      Map.entry("website", "website"), Map.entry("industry", "industry"), Map.entry("employees", "employees"),
      Map.entry("tier", "tier"), Map.entry("lifecycleStage", "current_stage"), Map.entry("billingStreet", "billing_street"),
      Map.entry("billingCity", "billing_city"), Map.entry("billingState", "billing_state"),
      Map.entry("billingPostal", "billing_postal_code"), Map.entry("billingCountry", "billing_country"),
      Map.entry("isChurned", "is_churned"));

  /** Account API fields Uptake keeps as sent, among the account's other traits. */
  private static final List<String> KEPT_AS_SENT = List.of(
      "billing_account_id", "support_account_id", "crm_account_id", "parent_account_id");

  private static final Map<String, String> USER = ordered(
      Map.entry("firstName", "first_name"), Map.entry("lastName", "last_name"), Map.entry("email", "email"),
      Map.entry("phone", "phone"), Map.entry("mobilePhone", "mobile_phone"), Map.entry("salutation", "salutation"),
      Map.entry("title", "title"), Map.entry("role", "role"), Map.entry("department", "department"),
      Map.entry("mailingStreet", "mailing_street"), Map.entry("mailingCity", "mailing_city"),
      Map.entry("mailingState", "mailing_state"), Map.entry("mailingPostal", "mailing_postal_code"),
      Map.entry("mailingCountry", "mailing_country"));

  private final ObjectMapper json;

  @SafeVarargs
  private static Map<String, String> ordered(Map.Entry<String, String>... entries) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : entries) {
      map.put(entry.getKey(), entry.getValue());
    }
    return Collections.unmodifiableMap(map);
  }

  AccountApiRecords(ObjectMapper json) {
    this.json = json;
  }

  /** @param healthScore the account's current health score, or null */
  ObjectNode account(AccountView view, Double healthScore, WorkspaceSettings settings) {
    ObjectNode record = json.createObjectNode();
    record.put("account_id", view.account().accountId());
    Fields fields = view.account().fields();
    ACCOUNT.forEach((field, name) -> record.set(name, fields.value(field).orElse(null)));
    record.put("join_date", millis(fields.value("createdAt").orElse(null)));
    record.put("renewal_date", millis(view.account().traits().value("renewal_date").orElse(null)));
    KEPT_AS_SENT.forEach(name -> record.set(name, view.account().traits().value(name).orElse(null)));
    record.put("is_active", active(fields));
    record.put("current_health_score", healthScore);
    custom(record, view.dimensions(), settings, Dimension.Source.GROUP);
    return record;
  }

  ObjectNode user(UserState user, WorkspaceSettings settings) {
    ObjectNode record = json.createObjectNode();
    record.put("user_id", user.userId());
    record.put("account_id", user.accountId());
    USER.forEach((field, name) -> record.set(name, user.fields().value(field).orElse(null)));
    record.put("product_join_date", millis(user.traits().value("createdAt").orElse(null)));
    record.put("is_active", active(user.fields()));
    custom(record, user.dimensions(), settings, Dimension.Source.IDENTIFY);
    return record;
  }

  /** True unless de-activated ({@code is_active} false, as the Account API's DELETE writes it). */
  static boolean active(Fields fields) {
    return fields.value("isActive").map(value -> !value.isBoolean() || value.booleanValue()).orElse(true);
  }

  /** @param of whose they are: an account shows every dimension it has, a user its identify-sourced ones */
  private void custom(ObjectNode record, Fields values, WorkspaceSettings settings, Dimension.Source of) {
    ArrayNode labels = record.putArray("custom_label_dimensions");
    ArrayNode numbers = record.putArray("custom_value_dimensions");
    ArrayNode dates = record.putArray("custom_event_dimensions");
    for (Dimension dimension : settings.dimensions()) {
      JsonNode value = values.value(dimension.name()).orElse(null);
      if (value == null || of == Dimension.Source.IDENTIFY && dimension.source() != Dimension.Source.IDENTIFY) {
        continue;
      }
      if (dimension.type() == DimensionType.NUMBER) {
        numbers.addObject().put("key", dimension.name()).set("value", value);
      } else if (dimension.type() == DimensionType.DATE) {
        dates.addObject().put("key", dimension.name()).put("value", millis(value));
      } else {
        labels.addObject().put("key", dimension.name()).set("value", value);
      }
    }
  }

  /** An ISO-8601 time as epoch milliseconds; null when absent or not a time. */
  static Long millis(JsonNode value) {
    if (value == null || !value.isTextual()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value.asText()).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(value.asText()).toEpochMilli();
      } catch (DateTimeParseException again) {
        return null;
      }
    }
  }
}
