-- Catalog keys, second form: each FQN part's key starts with the part's first 12 bytes (hex) and
-- ends with 12 bytes of its SHA-256, so entities of one parent sort by name and new rows land
-- next to each other in the indexes instead of on random pages. The keys are computed in Rust
-- (FQN grammar and hashing), so existing rows are re-keyed by the catalog right after this
-- migration; the setting marks that as pending.
INSERT INTO tessera_settings (key, value) VALUES ('catalog_keys_v2', 'pending') ON CONFLICT (key) DO NOTHING;
