//! Re-keying the catalog after migration 0009 changed how an FQN becomes its storage key. The
//! store does not know the key function (FQN grammar and hashing live in the catalog), so the
//! catalog passes it in; the setting marks the work as pending. Recomputing a key is idempotent,
//! so an interrupted or concurrent run is harmless.

use crate::query::{exec, fetch};
use crate::write::{Statement, WriteSet};
use crate::{Store, StoreError};

pub(crate) const REKEY_SETTING: &str = "catalog_keys_v2";
const BATCH: &str = "SELECT id, fqn, fqn_hash FROM catalog_entities WHERE id > ? ORDER BY id LIMIT 500";
const SET_KEY: &str = "UPDATE catalog_entities SET fqn_hash = ? WHERE id = ?";

/// The re-key queries, for the query-plan test.
pub(crate) const REKEY_PATHS: &[&str] = &[BATCH, SET_KEY];

impl Store {
    /// Gives every entity the key `key_of(fqn)` if a migration asked for it; how many changed.
    /// An FQN the function cannot key keeps its key (and is logged).
    pub async fn catalog_rekey(&self, key_of: impl Fn(&str) -> Option<String>) -> Result<u64, StoreError> {
        if self.setting(REKEY_SETTING).await?.is_none() {
            return Ok(0);
        }
        #[derive(sqlx::FromRow)]
        struct Keyed {
            id: String,
            fqn: String,
            fqn_hash: String,
        }
        let (mut after, mut changed) = (String::new(), 0);
        loop {
            let batch = fetch!(self, Keyed, fetch_all, BATCH, &after)?;
            let Some(last) = batch.last() else { break };
            after = last.id.clone();
            // One transaction per batch: one commit per 500 entities.
            let mut write = WriteSet::default();
            for row in &batch {
                match key_of(&row.fqn) {
                    Some(key) if key != row.fqn_hash => {
                        write.push(Statement::new(SET_KEY, vec![key.into(), (&row.id).into()]));
                    }
                    Some(_) => {}
                    None => {
                        tracing::warn!(id = %row.id, fqn = %row.fqn, "catalog entity keeps its old key: its FQN does not parse")
                    }
                }
            }
            changed += write.statements.len() as u64;
            if !write.statements.is_empty() {
                self.apply(write).await?;
            }
        }
        exec!(self, "DELETE FROM tessera_settings WHERE key = ?", REKEY_SETTING)?;
        Ok(changed)
    }
}
