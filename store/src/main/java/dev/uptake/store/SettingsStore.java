package dev.uptake.store;

import dev.uptake.core.mapping.Mapping;
import dev.uptake.core.settings.WorkspaceSettings;

/** Workspace settings; a workspace that never saved any has {@link WorkspaceSettings#DEFAULTS}. */
public interface SettingsStore {

  WorkspaceSettings get(long workspaceId);

  /** Saves the settings but their {@link WorkspaceSettings#mapping()}, which {@link #putMapping} saves. */
  void put(long workspaceId, WorkspaceSettings settings);

  void putMapping(long workspaceId, Mapping mapping);
}
