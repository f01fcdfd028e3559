package dev.uptake.server.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.AccountView;
import dev.uptake.core.identity.Activity;
import dev.uptake.core.identity.Fields;
import dev.uptake.core.identity.TraitMapping;
import dev.uptake.core.identity.UserState;
import java.time.Instant;
import java.util.List;

/** Users and accounts as JSON, with the contract's fields in camelCase: one shape for every route. */
final class ProfileNodes {

  private final ObjectMapper json;

  ProfileNodes(ObjectMapper json) {
    this.json = json;
  }

  ObjectNode account(AccountView view) {
    AccountState account = view.account();
    ObjectNode node = json.createObjectNode();
    node.put("id", account.accountId());
    putFields(node, TraitMapping.ACCOUNT_FIELDS, account.fields());
    node.put("pending", account.pending());
    node.set("dimensions", values(view.dimensions()));
    node.set("traits", values(account.traits()));
    putActivity(node, view.activity());
    return node;
  }

  ObjectNode user(UserState user) {
    ObjectNode node = json.createObjectNode();
    node.put("id", user.userId());
    node.put("accountId", user.accountId());
    putFields(node, TraitMapping.USER_FIELDS, user.fields());
    node.set("traits", values(user.traits()));
    node.set("dimensions", values(user.dimensions()));
    putActivity(node, user.activity());
    return node;
  }

  private static void putFields(ObjectNode node, List<String> names, Fields fields) {
    for (String name : names) {
      node.set(name, fields.value(name).orElse(null));
    }
  }

  private ObjectNode values(Fields fields) {
    ObjectNode node = json.createObjectNode();
    fields.values().forEach((name, stamped) -> {
      if (!stamped.value().isNull()) {
        node.set(name, stamped.value());
      }
    });
    return node;
  }

  private static void putActivity(ObjectNode node, Activity activity) {
    node.put("firstSeenAt", text(activity.first()));
    node.put("lastSeenAt", text(activity.last()));
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
