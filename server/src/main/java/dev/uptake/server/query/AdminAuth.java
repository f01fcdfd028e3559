package dev.uptake.server.query;

import dev.uptake.server.http.ApiError;
import dev.uptake.store.Workspace;
import dev.uptake.store.Workspaces;
import io.javalin.http.Context;

/** The workspace of the request's admin token, or a 401. */
public final class AdminAuth {

  private final Workspaces workspaces;

  public AdminAuth(Workspaces workspaces) {
    this.workspaces = workspaces;
  }

  public Workspace workspace(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw unauthorized("send the workspace's admin token as Authorization: Bearer <adminToken>");
    }
    return workspaces
        .byAdminToken(header.substring(7).trim())
        .orElseThrow(() -> unauthorized("the admin token is not valid"));
  }

  private static ApiError.ApiException unauthorized(String reason) {
    return ApiError.of(401, "unauthorized", "Authorization", reason).exception();
  }
}
