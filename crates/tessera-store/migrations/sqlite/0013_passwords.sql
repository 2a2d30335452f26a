-- Password sign-in (AUTHENTICATION_PROVIDER=basic): each user's password hash (argon2id, PHC
-- string), failed logins per email (shared by replicas, so a block holds on all of them), refresh
-- tokens and the access tokens signed out before they expire (hashes only).
CREATE TABLE user_passwords (
    user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash       TEXT NOT NULL,
    changed_at INTEGER NOT NULL
);

CREATE TABLE login_failures (
    email          TEXT PRIMARY KEY NOT NULL,
    failures       INTEGER NOT NULL,
    last_failed_at INTEGER NOT NULL
);
CREATE INDEX login_failures_age ON login_failures (last_failed_at);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE signed_out_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    expires_at INTEGER NOT NULL
);
