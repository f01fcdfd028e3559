package dev.uptake.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The replaced platform's Account API field names (snake_case, timestamps in epoch milliseconds,
 * custom dimensions as {@code {"key", "value"}} lists, lenient booleans), read into the identify
 * and group traits the contract's mapping reads: {@code join_date} → {@code createdAt},
 * {@code current_stage} → {@code lifecycle_stage}, {@code billing_postal_code} → {@code
 * billing_postal}, each custom dimension → a trait of its key. Every other field is kept as sent.
 */
public final class AccountApiFields {

  /** Account API name → the contract's trait name, where they differ. */
  private static final Map<String, String> RENAMED = Map.of(
      "join_date", "createdAt",
      "product_join_date", "createdAt",
      "current_stage", "lifecycle_stage",
      "billing_postal_code", "billing_postal",
      "mailing_postal_code", "mailing_postal");

  private static final Set<String> TIMESTAMPS = Set.of("join_date", "renewal_date", "product_join_date");
  private static final Set<String> BOOLEANS = Set.of("is_churned", "is_active");
  /** The custom dimension lists: text, number and date (epoch milliseconds) values. */
  public static final Set<String> CUSTOM = Set.of(
      "custom_label_dimensions", "custom_value_dimensions", "custom_event_dimensions");

  private AccountApiFields() {}

  /**
   * A field of the wrong type.
   *
   * @param field where it is ({@code details.join_date}, {@code custom_label_dimensions[0].key})
   * @param message the Account API's own words ({@code Invalid type for property: join_date (expecting timestamp)})
   * @param detail what was there and what is expected instead
   */
  public static final class InvalidField extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String detail;

    InvalidField(String field, String message, String detail) {
      super(message, null, false, false);
      this.field = field;
      this.detail = detail;
    }

    public String field() {
      return field;
    }

    public String detail() {
      return detail;
    }
  }

  /**
   * The traits {@code details} mean.
   *
   * @param path where {@code details} is, for errors ({@code details}), or "" when it is the record itself
   * @throws InvalidField naming the field that has the wrong type
   */
  public static ObjectNode traits(JsonNode details, String path) {
    ObjectNode traits = JsonNodeFactory.instance.objectNode();
    if (details == null || details.isNull()) {
      return traits;
    }
    if (!details.isObject()) {
      throw new InvalidField(path, "Invalid type for property: " + path + " (expecting object)",
          path + " must be an object of the Account API's fields; was " + JsonFields.describe(details));
    }
    for (Map.Entry<String, JsonNode> field : details.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      String at = path.isEmpty() ? name : path + "." + name;
      if (CUSTOM.contains(name)) {
        custom(traits, value, at, name.equals("custom_event_dimensions"));
      } else if (TIMESTAMPS.contains(name)) {
        traits.put(RENAMED.getOrDefault(name, name), value.isNull() ? null : timestamp(value, at));
      } else if (BOOLEANS.contains(name)) {
        traits.put(name, lenient(value));
      } else {
        traits.set(RENAMED.getOrDefault(name, name), value);
      }
    }
    return traits;
  }

  /** {@code [{"key": "seats", "value": 40}]} → {@code seats: 40}; event (date) dimensions' epoch milliseconds as ISO-8601. */
  private static void custom(ObjectNode traits, JsonNode list, String at, boolean dates) {
    if (list.isNull()) {
      return;
    }
    if (!list.isArray()) {
      throw new InvalidField(at, "Invalid type for property: " + name(at) + " (expecting array)",
          at + " must be a list of {\"key\", \"value\"}; was " + JsonFields.describe(list));
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      String itemAt = at + "[" + i + "]";
      if (!item.path("key").isTextual() || item.path("key").asText().isBlank()) {
        throw new InvalidField(itemAt + ".key", "Missing/invalid required field(s): key",
            itemAt + ".key must be the dimension's name (text)");
      }
      JsonNode value = item.path("value");
      String key = item.get("key").asText();
      if (dates && !value.isNull() && !value.isMissingNode()) {
        traits.put(key, timestamp(value, itemAt + ".value"));
      } else {
        traits.set(key, value.isMissingNode() ? null : value);
      }
    }
  }

  /** Epoch milliseconds as ISO-8601; a date written as text is refused, as the Account API refuses it. */
  static String timestamp(JsonNode value, String at) {
    if (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0) {
      return Instant.ofEpochMilli(value.longValue()).toString();
    }
    if (value.isTextual() && value.textValue().strip().matches("\\d{1,15}")) {
      return Instant.ofEpochMilli(Long.parseLong(value.textValue().strip())).toString();
    }
    throw new InvalidField(at, "Invalid type for property: " + name(at) + " (expecting timestamp)",
        at + " must be epoch milliseconds; was " + JsonFields.shown(value));
  }

  /** {@code details.custom_event_dimensions[0].value} → {@code custom_event_dimensions}. */
  private static String name(String at) {
    String last = at.substring(at.lastIndexOf('.') + 1);
    String field = at.contains("[") ? at.substring(0, at.indexOf('[')) : last;
    return field.substring(field.lastIndexOf('.') + 1);
  }

  /** The Account API's lenient booleans: a non-zero number is true, "0" false, "true"/"false" what they say, else false. */
  public static boolean lenient(JsonNode value) {
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isNumber()) {
      return value.asDouble() != 0;
    }
    if (value.isTextual()) {
      String text = value.textValue().strip().toLowerCase(Locale.ROOT);
      if (text.equals("true")) {
        return true;
      }
      try {
        return Double.parseDouble(text) != 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }
}
