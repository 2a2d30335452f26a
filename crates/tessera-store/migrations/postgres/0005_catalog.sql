-- Data-asset entities (services, databases, schemas, tables), each stored as its JSON document.
-- fqn_hash is one 32-hex hash per FQN part joined by '.': fixed width whatever the names, so it
-- fits any index, and the descendants of an entity are the range (hash || '.', hash || '/').
-- COLLATE "C": that range must compare bytes, whatever the database's locale.
CREATE TABLE catalog_entities (
    id         TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL,
    fqn        TEXT NOT NULL,
    fqn_hash   TEXT COLLATE "C" NOT NULL,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    version    DOUBLE PRECISION NOT NULL,
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (kind, fqn_hash)
);
-- Descendants of any kind (recursive delete, restore).
CREATE INDEX catalog_entities_fqn_hash ON catalog_entities (fqn_hash);

-- Every version of every entity, the current one included (GET .../versions).
CREATE TABLE catalog_versions (
    entity_id  TEXT NOT NULL,
    version    DOUBLE PRECISION NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (entity_id, version)
);
