//! A database brought up to date for the catalog: the store's migrations, then the re-keying of
//! rows stored before migration 0009 (the key function lives here, not in the store).

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
