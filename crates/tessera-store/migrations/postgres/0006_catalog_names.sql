-- Name search (GET /api/v1/search/query): one row per searchable key of an entity's name, the whole
-- name lower-cased and each of its words to the end (`customer_orders` -> `customer_orders`,
-- `orders`), so a name prefix or a word prefix is a range over (kind, name_key). Keys are made in
-- Rust (Unicode lower-casing, word splitting), so rows that existed before this migration are
-- filled by the store right after it (the 'catalog_names_backfill' setting marks that as pending).
-- COLLATE "C": a prefix range must compare bytes (code points), whatever the database's locale.
CREATE TABLE catalog_names (
    kind      TEXT NOT NULL,
    name_key  TEXT COLLATE "C" NOT NULL,
    entity_id TEXT NOT NULL,
    whole     INTEGER NOT NULL,
    PRIMARY KEY (kind, name_key, entity_id)
);
-- Searches over every kind at once.
CREATE INDEX catalog_names_key ON catalog_names (name_key, kind, entity_id);
-- Hard delete removes an entity's keys.
CREATE INDEX catalog_names_entity ON catalog_names (entity_id);
INSERT INTO tessera_settings (key, value) VALUES ('catalog_names_backfill', 'pending');
