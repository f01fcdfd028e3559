package dev.uptake.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Saved views of the accounts list, shared by a workspace's members. */
public interface SavedViews {

  /** A view as the API's JSON (name, query, columns). */
  record View(long id, long workspaceId, String json, Instant updatedAt) {}

  List<View> views(long workspaceId);

  Optional<View> view(long workspaceId, long id);

  View create(long workspaceId, String json, Instant now);

  /** @return false when the workspace has no such view */
  boolean update(long workspaceId, long id, String json, Instant now);

  /** @return false when the workspace has no such view */
  boolean delete(long workspaceId, long id);
}
