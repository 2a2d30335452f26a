-- A type within an entity kind that lists filter on (an ingestion pipeline's pipelineType); ''
-- for kinds without one. Filtered inside the (kind, fqn_hash) range, so no index of its own.
ALTER TABLE catalog_entities ADD COLUMN subtype TEXT NOT NULL DEFAULT '';

-- The runs of an ingestion pipeline: one status document per (pipeline, runId), replaced while
-- the run goes on (running, then success/partialSuccess/failed). Gone with the pipeline's row
-- (hard delete); a soft delete keeps them for a restore.
CREATE TABLE pipeline_statuses (
    pipeline_id TEXT NOT NULL REFERENCES catalog_entities (id) ON DELETE CASCADE,
    run_id      TEXT NOT NULL,
    -- The status's own timestamp (milliseconds), what time-range lists and "latest" go by.
    timestamp   INTEGER NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (pipeline_id, run_id)
);
CREATE INDEX pipeline_statuses_by_time ON pipeline_statuses (pipeline_id, timestamp);
