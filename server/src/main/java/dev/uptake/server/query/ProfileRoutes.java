package dev.uptake.server.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.AccountView;
import dev.uptake.core.identity.Activity;
import dev.uptake.core.identity.Fields;
import dev.uptake.core.identity.TraitMapping;
import dev.uptake.core.identity.UserState;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.store.Profiles;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/accounts/{id}}, {@code GET /api/v1/users/{id}} and {@code GET
 * /api/v1/accounts/{id}/users}: users and accounts with the contract's fields in camelCase.
 */
public final class ProfileRoutes {

  private final AdminAuth auth;
  private final Profiles profiles;
  private final Responses responses;
  private final ObjectMapper json;

  public ProfileRoutes(Workspaces workspaces, Profiles profiles, Responses responses, ObjectMapper json) {
    this.auth = new AdminAuth(workspaces);
    this.profiles = profiles;
    this.responses = responses;
    this.json = json;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/accounts/{id}", this::account);
    routes.get("/api/v1/accounts/{id}/users", this::accountUsers);
    routes.get("/api/v1/users/{id}", this::user);
  }

  private void account(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    String id = ctx.pathParam("id");
    AccountState account = profiles.account(workspace.id(), id).orElseThrow(() -> notFound("account", id));
    responses.json(ctx, 200, account(AccountView.of(account, profiles.usersOf(workspace.id(), id))));
  }

  private void accountUsers(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    String id = ctx.pathParam("id");
    profiles.account(workspace.id(), id).orElseThrow(() -> notFound("account", id));
    List<ObjectNode> users = profiles.usersOf(workspace.id(), id).stream().map(this::user).toList();
    ObjectNode body = json.createObjectNode();
    body.putArray("users").addAll(users);
    responses.json(ctx, 200, body);
  }

  private void user(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    String id = ctx.pathParam("id");
    responses.json(ctx, 200, user(profiles.user(workspace.id(), id).orElseThrow(() -> notFound("user", id))));
  }

  private ObjectNode account(AccountView view) {
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

  private ObjectNode user(UserState user) {
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

  private static ApiError.ApiException notFound(String what, String id) {
    return ApiError.notFound(what, id).exception();
  }
}
