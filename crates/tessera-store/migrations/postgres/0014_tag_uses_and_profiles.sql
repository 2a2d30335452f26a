-- Which entity carries which classification tag, kept by every catalog write (the entity's own
-- labels with target '', a column's with the column's name path): a tag's usageCount and the
-- entities that carry a tag are ranges of the primary key (byte order, as SQLite compares).
-- Filled for older entities once, at start, while the setting below is present.
CREATE TABLE catalog_tag_uses (
    tag_fqn   TEXT COLLATE "C" NOT NULL,
    target    TEXT COLLATE "C" NOT NULL,
    -- Copied from the entity (its kind never changes; every update rewrites its uses, so
    -- `deleted` follows soft deletes and restores): listing a tag's entities reads this key only.
    kind      TEXT COLLATE "C" NOT NULL,
    deleted   BOOLEAN NOT NULL,
    -- The collation of catalog_entities.id, so joins and deletes use its key.
    entity_id TEXT NOT NULL,
    PRIMARY KEY (tag_fqn, target, kind, deleted, entity_id)
);
-- Updates and hard deletes replace or remove an entity's uses.
CREATE INDEX catalog_tag_uses_entity ON catalog_tag_uses (entity_id);
INSERT INTO tessera_settings (key, value) VALUES ('catalog_tag_uses_backfill', 'pending');

-- A user's profile (images, as 1.7's `profile`, JSON) and time zone, which people edit themselves.
ALTER TABLE users ADD COLUMN profile TEXT;
ALTER TABLE users ADD COLUMN timezone TEXT;
