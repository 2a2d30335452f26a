//! A database brought up to date for the catalog: the store's migrations, then the re-keying of
//! rows stored before migration 0009 and the sealing of secrets stored in clear before migration
//! 0011 (the key function and the secret rules live here, not in the store).

use tessera_config::SecretBox;
use tessera_store::{MigrationReport, Store, StoreError};

/// What `tessera serve` and `tessera migrate` run before anything reads the catalog.
pub async fn migrate(store: &Store) -> Result<MigrationReport, StoreError> {
    let report = store.migrate().await?;
    let changed = store.catalog_rekey(|fqn| crate::hash::fqn_hash(fqn).ok()).await?;
    if changed > 0 {
        tracing::info!(entities = changed, "catalog keys rewritten (migration 0009)");
    }
    Ok(report)
}

/// Seals the secrets older versions stored in clear (pending after migration 0011), with the key
/// secrets are sealed with: `tessera serve` runs it once the keys are loaded, before serving.
pub async fn seal_stored_secrets(store: &Store, secrets: &SecretBox) -> Result<u64, StoreError> {
    let sealed = store.catalog_rewrite_documents(|body| crate::secrets::seal_clear_in_document(body, secrets)).await?;
    if sealed > 0 {
        tracing::info!(documents = sealed, "secrets stored in clear are sealed now (migration 0011)");
    }
    Ok(sealed)
}
