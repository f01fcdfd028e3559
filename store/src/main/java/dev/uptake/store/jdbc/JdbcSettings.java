package dev.uptake.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uptake.core.mapping.Mapping;
import dev.uptake.core.mapping.MappingCodec;
import dev.uptake.core.settings.SettingsCodec;
import dev.uptake.core.settings.WorkspaceSettings;
import dev.uptake.store.SettingsStore;
import javax.sql.DataSource;

/** Settings as the JSON of {@link SettingsCodec}, one row per workspace. */
public final class JdbcSettings implements SettingsStore {

  private final DataSource pool;
  private final ObjectMapper json;

  public JdbcSettings(DataSource pool, ObjectMapper json) {
    this.pool = pool;
    this.json = json;
  }

  @Override
  public WorkspaceSettings get(long workspaceId) {
    String[] stored = {null, null};
    Sql.query(pool, "SELECT settings, mapping FROM workspace_settings WHERE workspace_id = ?", rows -> {
      stored[0] = rows.getString(1);
      stored[1] = rows.getString(2);
    }, workspaceId);
    if (stored[0] == null) {
      return WorkspaceSettings.DEFAULTS;
    }
    try {
      WorkspaceSettings settings = SettingsCodec.read(json.readTree(stored[0]));
      return stored[1] == null ? settings : settings.withMapping(MappingCodec.read(json.readTree(stored[1])));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored settings are JSON written by SettingsCodec and MappingCodec", e);
    }
  }

  @Override
  public void put(long workspaceId, WorkspaceSettings settings) {
    String text = SettingsCodec.write(settings).toString();
    Sql.inTransaction(
        pool,
        connection ->
            Sql.update(
                connection,
                "INSERT INTO workspace_settings (workspace_id, settings) VALUES (?, ?) ON CONFLICT (workspace_id)"
                    + " DO UPDATE SET settings = excluded.settings",
                workspaceId, text));
  }

  @Override
  public void putMapping(long workspaceId, Mapping mapping) {
    String defaults = SettingsCodec.write(WorkspaceSettings.DEFAULTS).toString();
    String text = mapping.isDefault() ? null : MappingCodec.write(mapping).toString();
    Sql.inTransaction(pool, connection -> Sql.update(connection,
        "INSERT INTO workspace_settings (workspace_id, settings, mapping) VALUES (?, ?, ?) ON CONFLICT (workspace_id)"
            + " DO UPDATE SET mapping = excluded.mapping", workspaceId, defaults, text));
  }
}
