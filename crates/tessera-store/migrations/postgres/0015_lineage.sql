-- Lineage edges between catalog entities (1.7's UPSTREAM relationship): one per ordered pair,
-- with its LineageDetails JSON. `source` and `pipeline_id` are copied out of the details so the
-- deletes by source and by pipeline are index lookups; walks go by `from_id` (the key) downstream
-- and by `to_id` upstream. Ids have catalog_entities.id's collation, so joins use its key.
CREATE TABLE lineage_edges (
    from_id     TEXT NOT NULL,
    to_id       TEXT NOT NULL,
    from_kind   TEXT NOT NULL,
    to_kind     TEXT NOT NULL,
    source      TEXT NOT NULL,
    pipeline_id TEXT NOT NULL,
    details     TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX lineage_edges_to ON lineage_edges (to_id, source);
CREATE INDEX lineage_edges_pipeline ON lineage_edges (pipeline_id);
