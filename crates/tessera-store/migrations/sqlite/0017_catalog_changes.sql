-- The catalog's change feed: one row per write to an entity (created, updated, deleted). Each
-- replica's search index follows it (by seq) and re-reads the entities it names, so the database
-- stays the one source of truth and an index can always be rebuilt from it.
CREATE TABLE catalog_changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id TEXT NOT NULL,
    at        INTEGER NOT NULL
);
