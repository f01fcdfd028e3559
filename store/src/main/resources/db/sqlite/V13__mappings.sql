-- A workspace's mapping (MappingCodec's JSON), saved through /api/v1/mappings; null: the default.
ALTER TABLE workspace_settings ADD COLUMN mapping TEXT;
