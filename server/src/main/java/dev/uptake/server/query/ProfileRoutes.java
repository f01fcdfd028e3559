package dev.uptake.server.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.identity.AccountState;
import dev.uptake.core.identity.AccountView;
import dev.uptake.server.http.ApiError;
import dev.uptake.server.http.Responses;
import dev.uptake.store.Profiles;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code GET /api/v1/accounts/{id}} and {@code GET /api/v1/users/{id}}: users and accounts with the
 * contract's fields in camelCase.
 */
public final class ProfileRoutes {

  private final AdminAuth auth;
  private final Profiles profiles;
  private final HealthBoard board;
  private final Responses responses;
  private final ObjectMapper json;
  private final ProfileNodes nodes;

  public ProfileRoutes(
      Workspaces workspaces, Profiles profiles, HealthBoard board, Responses responses, ObjectMapper json) {
    this.auth = new AdminAuth(workspaces);
    this.profiles = profiles;
    this.board = board;
    this.responses = responses;
    this.json = json;
    this.nodes = new ProfileNodes(json);
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/accounts/{id}", this::account);
    routes.get("/api/v1/users/{id}", this::user);
  }

  private void account(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    String id = ctx.pathParam("id");
    AccountState account = profiles.account(workspace.id(), id).orElseThrow(() -> notFound("account", id));
    ObjectNode body = nodes.account(AccountView.of(account, profiles.usersOf(workspace.id(), id)));
    // The score comes from the figures the accounts list shows for the account.
    body.set("health", board.account(workspace.id(), id).rows().stream().findFirst().map(row -> AccountHealth.json(row.health(), json)).orElse(NullNode.getInstance()));
    responses.json(ctx, 200, body);
  }

  private void user(Context ctx) {
    Workspace workspace = auth.workspace(ctx);
    String id = ctx.pathParam("id");
    responses.json(ctx, 200, nodes.user(profiles.user(workspace.id(), id).orElseThrow(() -> notFound("user", id))));
  }

  private static ApiError.ApiException notFound(String what, String id) {
    return ApiError.notFound(what, id).exception();
  }
}
