-- Users and bots, their credentials, and the change feed replicas follow.
CREATE TABLE users (
    id                TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL UNIQUE,
    email             TEXT NOT NULL UNIQUE,
    display_name      TEXT,
    description       TEXT,
    is_admin          BOOLEAN NOT NULL DEFAULT FALSE,
    is_bot            BOOLEAN NOT NULL DEFAULT FALSE,
    is_email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    deleted           BOOLEAN NOT NULL DEFAULT FALSE,
    version           DOUBLE PRECISION NOT NULL DEFAULT 0.1,
    updated_at        BIGINT NOT NULL,
    updated_by        TEXT NOT NULL,
    last_login_time   BIGINT
);

CREATE TABLE bots (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL UNIQUE,
    display_name TEXT,
    description  TEXT,
    bot_user_id  TEXT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    provider     TEXT NOT NULL DEFAULT 'user',
    deleted      BOOLEAN NOT NULL DEFAULT FALSE,
    version      DOUBLE PRECISION NOT NULL DEFAULT 0.1,
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL
);

-- The one current token of a bot: encrypted (Fernet) for display, hashed (SHA-256) for checks.
CREATE TABLE bot_credentials (
    user_id         TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_encrypted TEXT NOT NULL,
    token_hash      TEXT NOT NULL,
    expiry          TEXT NOT NULL,
    expires_at_ms   BIGINT,
    updated_at      BIGINT NOT NULL
);

-- Personal access tokens: only their hash is kept.
CREATE TABLE personal_access_tokens (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    expiry        TEXT NOT NULL,
    expires_at_ms BIGINT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX personal_access_tokens_user ON personal_access_tokens (user_id);

-- Every change to accounts or credentials appends a row; replicas poll the highest seq.
CREATE TABLE auth_changes (
    seq  BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    at   BIGINT NOT NULL
);
