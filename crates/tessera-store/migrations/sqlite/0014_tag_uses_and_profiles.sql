-- Which entity carries which classification tag, kept by every catalog write (the entity's own
-- labels with target '', a column's with the column's name path): a tag's usageCount and the
-- entities that carry a tag are ranges of the primary key. Filled for older entities once, at
-- start, while the setting below is present.
CREATE TABLE catalog_tag_uses (
    tag_fqn   TEXT NOT NULL,
    target    TEXT NOT NULL,
    -- Copied from the entity (its kind never changes; every update rewrites its uses, so
    -- `deleted` follows soft deletes and restores): listing a tag's entities reads this key only.
    kind      TEXT NOT NULL,
    deleted   INTEGER NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (tag_fqn, target, kind, deleted, entity_id)
);
-- (A rowid table: its key holds an integer, and `migrate-db` walks WITHOUT ROWID tables by text
-- keys. The key is a covering index all the same.)
-- Updates and hard deletes replace or remove an entity's uses.
CREATE INDEX catalog_tag_uses_entity ON catalog_tag_uses (entity_id);
INSERT INTO tessera_settings (key, value) VALUES ('catalog_tag_uses_backfill', 'pending');

-- A user's profile (images, as 1.7's `profile`, JSON) and time zone, which people edit themselves.
ALTER TABLE users ADD COLUMN profile TEXT;
ALTER TABLE users ADD COLUMN timezone TEXT;
