package dev.uptake.store;

import dev.uptake.core.settings.WorkspaceSettings;

/** Workspace settings; a workspace that never saved any has {@link WorkspaceSettings#DEFAULTS}. */
public interface SettingsStore {

  WorkspaceSettings get(long workspaceId);

  void put(long workspaceId, WorkspaceSettings settings);
}
