-- Policies, roles and teams (the DefaultAuthorizer's data), each stored as its JSON document: the
-- authorizer reads all of them into memory and rebuilds on change, so no query needs their fields.
CREATE TABLE access_entities (
    id         TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('policy', 'role', 'team')),
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    provider   TEXT NOT NULL DEFAULT 'user',
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    version    DOUBLE PRECISION NOT NULL DEFAULT 0.1,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (kind, name)
);

-- A user's roles and teams (JSON arrays of names); absent means none (and team Organization).
CREATE TABLE memberships (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    roles   TEXT NOT NULL DEFAULT '[]',
    teams   TEXT NOT NULL DEFAULT '[]'
);
