-- Browser sessions of the confidential (authorization-code) sign-in. In the database, not in one
-- process's memory, so a sign-in started on one replica finishes on another and survives a restart.
-- Keyed by a SHA-256 of the cookie value: the table alone does not give anyone a session.
CREATE TABLE sessions (
    id_hash          TEXT PRIMARY KEY NOT NULL,
    -- While a sign-in is in progress (cleared when it completes).
    pending_state    TEXT,
    pending_nonce    TEXT,
    pending_verifier TEXT,
    redirect_uri     TEXT NOT NULL,
    -- Once signed in. Tokens are sealed (Fernet), never stored in clear.
    issuer           TEXT,
    subject          TEXT,
    principal_name   TEXT,
    email            TEXT,
    id_token         TEXT,
    refresh_token    TEXT,
    created_at       INTEGER NOT NULL,
    last_seen_at     INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL
);

CREATE INDEX sessions_expires_at ON sessions (expires_at);
