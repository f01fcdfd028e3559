package dev.uptake.core.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.uptake.core.event.Event;
import dev.uptake.core.event.EventType;
import dev.uptake.core.ingest.Warning;
import dev.uptake.core.settings.Dimension;
import dev.uptake.core.settings.DimensionType;
import dev.uptake.core.settings.WorkspaceSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps users and accounts current: every event creates its user (and its account, when it names
 * one), stretches their activity and links the user to the account it names; identify updates the
 * user from its traits and group the account, each field only if this event is later than the one
 * that wrote it. A record written through the Account API ({@link Event#isRecord}) changes its
 * user or account the same way, and is nobody's activity. Bad optional values are dropped with a
 * {@link Warning}.
 *
 * <p>Thread-safe (stateless); the {@link WorkingSet} it is given is not.
 */
public final class IdentityResolver {

  private static final Set<String> USER_NAMES = TraitMapping.topLevelNames(TraitMapping.USER);
  private static final Set<String> ACCOUNT_NAMES = TraitMapping.topLevelNames(TraitMapping.ACCOUNT);

  private final ObjectMapper json;

  public IdentityResolver(ObjectMapper json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  /** Applies one event; returns the warnings for trait values it dropped or changed. */
  public List<Warning> apply(Event event, WorkspaceSettings settings, WorkingSet profiles) {
    if (event.isRecord()) {
      return record(event, settings, profiles);
    }
    Stamp stamp = Stamp.of(event);
    UserState user = profiles.user(event.userId());
    Activity unattributed = user.unattributedActivity();
    if (event.groupId() != null) {
      AccountState account = profiles.account(event.groupId());
      profiles.put(account.withActivity(account.activity().including(event.eventTime())));
      Stamped link = user.link();
      if (link == null || stamp.isAfter(link.stamp())) {
        user = user.withLink(new Stamped(TextNode.valueOf(event.groupId()), stamp));
      }
    } else {
      unattributed = unattributed.including(event.eventTime());
    }
    user = user.withActivity(user.activity().including(event.eventTime()), unattributed);
    List<Warning> warnings = new ArrayList<>();
    if (event.type() == EventType.IDENTIFY) {
      user = identify(event, stamp, user, settings, warnings);
    }
    profiles.put(user);
    if (event.type() == EventType.GROUP) {
      profiles.put(group(event, stamp, profiles.account(event.groupId()), settings, warnings));
    }
    return warnings;
  }

  /**
   * A record written through the Account API: an account's fields, or a user's fields and the
   * account it belongs to, changed like a group or identify call's; nobody's activity.
   */
  private List<Warning> record(Event event, WorkspaceSettings settings, WorkingSet profiles) {
    Stamp stamp = Stamp.of(event);
    List<Warning> warnings = new ArrayList<>();
    if (event.type() == EventType.GROUP) {
      profiles.put(group(event, stamp, profiles.account(event.groupId()), settings, warnings));
      return warnings;
    }
    UserState user = profiles.user(event.userId());
    if (event.groupId() != null && (user.link() == null || stamp.isAfter(user.link().stamp()))) {
      user = user.withLink(new Stamped(TextNode.valueOf(event.groupId()), stamp));
    }
    profiles.put(identify(event, stamp, user, settings, warnings));
    return warnings;
  }

  private UserState identify(Event event, Stamp stamp, UserState user, WorkspaceSettings settings, List<Warning> warnings) {
    JsonNode traits = traits(event, warnings);
    if (traits == null) {
      return user;
    }
    Fields fields = apply(TraitMapping.USER, traits, stamp, user.fields(), settings, warnings);
    Fields others = others(traits, USER_NAMES, stamp, user.traits());
    Fields dimensions = dimensions(settings.dimensions(Dimension.Source.IDENTIFY), traits, stamp, user.dimensions(), warnings);
    return user.withFields(fields, others, dimensions);
  }

  private AccountState group(Event event, Stamp stamp, AccountState account, WorkspaceSettings settings, List<Warning> warnings) {
    JsonNode traits = traits(event, warnings);
    if (traits == null) {
      return account;
    }
    Fields fields = apply(TraitMapping.ACCOUNT, traits, stamp, account.fields(), settings, warnings);
    Fields others = others(traits, ACCOUNT_NAMES, stamp, account.traits());
    Fields dimensions = dimensions(settings.dimensions(Dimension.Source.GROUP), traits, stamp, account.dimensions(), warnings);
    return account.withFields(fields, others, dimensions);
  }

  /**
   * The call's traits: {@code traits}, else {@code context.traits} (where RudderStack's SDKs and
   * some Segment sources put them); when both are there, merged, {@code traits} winning.
   */
  private JsonNode traits(Event event, List<Warning> warnings) {
    JsonNode payload;
    try {
      payload = json.readTree(event.payload());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored payloads are JSON written by ingest", e);
    }
    ObjectNode own = object(payload.get("traits"), "traits", warnings);
    ObjectNode fromContext = object(payload.path("context").get("traits"), "context.traits", warnings);
    if (own == null || fromContext == null) {
      return own != null ? own : fromContext;
    }
    ObjectNode merged = fromContext.deepCopy();
    merged.setAll(own);
    return merged;
  }

  private static ObjectNode object(JsonNode traits, String path, List<Warning> warnings) {
    if (traits == null || traits.isNull()) {
      return null;
    }
    if (!(traits instanceof ObjectNode object)) {
      warnings.add(new Warning(path, path + " must be an object; the traits were ignored"));
      return null;
    }
    return object;
  }

  private static Fields apply(
      List<TraitMapping.Field> mapping, JsonNode traits, Stamp stamp, Fields fields, WorkspaceSettings settings,
      List<Warning> warnings) {
    for (TraitMapping.Field field : mapping) {
      for (String source : field.sources()) {
        JsonNode raw = at(traits, source);
        if (raw == null) {
          continue;
        }
        if (raw.isNull()) {
          fields = fields.with(field.name(), NullNode.getInstance(), stamp);
        } else {
          TraitType.Typed typed = field.type().type(raw, "traits." + source, settings);
          if (typed.warning() != null) {
            warnings.add(new Warning("traits." + source, typed.warning()));
          }
          if (typed.value() != null) {
            fields = fields.with(field.name(), typed.value(), stamp);
          }
        }
        break; // the first spelling present is the one used
      }
    }
    return fields;
  }

  private static Fields others(JsonNode traits, Set<String> mapped, Stamp stamp, Fields others) {
    for (Map.Entry<String, JsonNode> trait : traits.properties()) {
      if (!mapped.contains(trait.getKey())) {
        others = others.with(trait.getKey(), trait.getValue(), stamp);
      }
    }
    return others;
  }

  private static Fields dimensions(
      List<Dimension> dimensions, JsonNode traits, Stamp stamp, Fields values, List<Warning> warnings) {
    for (Dimension dimension : dimensions) {
      JsonNode raw = at(traits, dimension.trait());
      if (raw == null) {
        continue;
      }
      if (raw.isNull()) {
        values = values.with(dimension.name(), NullNode.getInstance(), stamp);
        continue;
      }
      Optional<JsonNode> typed = TraitType.dimension(dimension.type(), raw);
      if (typed.isPresent()) {
        values = values.with(dimension.name(), typed.get(), stamp);
      } else {
        warnings.add(
            new Warning(
                "traits." + dimension.trait(),
                "dimension '" + dimension.name() + "' takes a "
                    + (dimension.type() == DimensionType.NUMBER ? "finite number within ±1.8e308" : dimension.type().id()) + "; "
                    + (raw.isValueNode() ? raw.toString() : "a " + raw.getNodeType().name().toLowerCase(java.util.Locale.ROOT))
                    + " is not one; the field was ignored"));
      }
    }
    return values;
  }

  /** The value at a dotted path, or null when absent. */
  private static JsonNode at(JsonNode traits, String path) {
    JsonNode node = traits;
    for (String part : path.split("\\.")) {
      node = node.isObject() ? node.get(part) : null;
      if (node == null) {
        return null;
      }
    }
    return node;
  }
}
