-- Each workspace's health models, every version kept: scores are read under the model of their day.
CREATE TABLE health_models (
  workspace_id INTEGER NOT NULL,
  version      INTEGER NOT NULL,
  model        TEXT    NOT NULL,
  since        INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, version)
);
