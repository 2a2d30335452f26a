-- Server-wide key/value settings (installation id, later: system settings).
CREATE TABLE tessera_settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
