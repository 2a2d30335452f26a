-- catalog_names rebuilt WITHOUT ROWID: its primary key is the table itself, so storing a name key
-- updates three B-trees instead of four (the rowid table, the primary key, two indexes).
CREATE TABLE catalog_names_v2 (
    kind      TEXT NOT NULL,
    name_key  TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    whole     INTEGER NOT NULL,
    PRIMARY KEY (kind, name_key, entity_id)
) WITHOUT ROWID;
INSERT INTO catalog_names_v2 (kind, name_key, entity_id, whole)
    SELECT kind, name_key, entity_id, whole FROM catalog_names;
DROP TABLE catalog_names;
ALTER TABLE catalog_names_v2 RENAME TO catalog_names;
CREATE INDEX catalog_names_key ON catalog_names (name_key, kind, entity_id);
CREATE INDEX catalog_names_entity ON catalog_names (entity_id);
