-- Cluster mode: events arrive through a Kafka topic, and processors in one consumer group commit
-- what they derive together with how far they read each partition (next_offset), in one
-- transaction. A processor that takes a partition over raises its epoch; a commit names the epoch
-- its processor took the partition with, so one that lost it meanwhile changes nothing.
CREATE TABLE partition_offsets (
  topic       text    COLLATE "C" NOT NULL,
  partition   integer NOT NULL,
  epoch       bigint  NOT NULL,
  next_offset bigint  NOT NULL,
  PRIMARY KEY (topic, partition)
);

-- How the database is used: absent while one Uptake (or its standbys) appends to the events table
-- itself; 'cluster' once cluster nodes use it, whose processors insert events as they process them.
-- The two cannot share a database: the embedded log's cursor would count cluster events again.
CREATE TABLE deployment (
  id    integer PRIMARY KEY CHECK (id = 1),
  mode  text    NOT NULL CHECK (mode = 'cluster'),
  topic text    NOT NULL,
  since bigint  NOT NULL
);

-- Failed sign-ins, shared by every node that serves the web app.
CREATE TABLE sign_in_failures (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key       text   COLLATE "C" NOT NULL,
  failed_at bigint NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, failed_at);
