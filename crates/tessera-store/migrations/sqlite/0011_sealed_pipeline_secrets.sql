-- Ingestion pipelines' source configurations hold secrets too (dbt Cloud tokens, AWS and GCS
-- credentials of a dbt source). Tessera seals them as it seals connection secrets; the documents
-- stored before are sealed by the catalog right after this migration (it knows which values are
-- secrets and holds the key); the setting marks that as pending.
INSERT INTO tessera_settings (key, value) VALUES ('catalog_secrets_sealed_v1', 'pending') ON CONFLICT (key) DO NOTHING;
