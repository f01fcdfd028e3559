-- Each workspace's health models, every version kept: scores are read under the model of their day.
CREATE TABLE health_models (
  workspace_id bigint NOT NULL,
  version      integer NOT NULL,
  model        text    NOT NULL,
  since        bigint  NOT NULL,
  PRIMARY KEY (workspace_id, version)
);
