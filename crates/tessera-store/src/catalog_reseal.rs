//! Rewriting stored documents (current rows and superseded versions) once, after a migration asked
//! for it: the catalog passes the rewrite (sealing secrets left in clear: the store knows neither
//! which values are secrets nor the key). A rewrite that changes nothing writes nothing, so an
//! interrupted or concurrent run is harmless.

use crate::query::{exec, fetch};
use crate::write::{Statement, WriteSet};
use crate::{Store, StoreError};

pub(crate) const RESEAL_SETTING: &str = "catalog_secrets_sealed_v1";
const CURRENT: &str =
    "SELECT id, CAST(0 AS DOUBLE PRECISION) AS version, body FROM catalog_entities WHERE id > ? ORDER BY id LIMIT 500";
const SET_CURRENT: &str = "UPDATE catalog_entities SET body = ? WHERE id = ?";
const HISTORY: &str = "SELECT entity_id AS id, version, body FROM catalog_versions \
     WHERE (entity_id, version) > (?, ?) ORDER BY entity_id, version LIMIT 500";
const SET_HISTORY: &str = "UPDATE catalog_versions SET body = ? WHERE entity_id = ? AND version = ?";

/// The rewrite queries, for the query-plan test.
pub(crate) const RESEAL_PATHS: &[&str] = &[CURRENT, SET_CURRENT, HISTORY, SET_HISTORY];

#[derive(sqlx::FromRow)]
struct Document {
    id: String,
    version: f64,
    body: String,
}

impl Store {
    /// Applies `rewrite` to every stored document if a migration asked for it; how many changed.
    pub async fn catalog_rewrite_documents(&self, rewrite: impl Fn(&str) -> Option<String>) -> Result<u64, StoreError> {
        if self.setting(RESEAL_SETTING).await?.is_none() {
            return Ok(0);
        }
        let mut changed = 0;
        for history in [false, true] {
            let (mut after, mut after_version) = (String::new(), -1.0);
            loop {
                let batch = if history {
                    fetch!(self, Document, fetch_all, HISTORY, &after, after_version)?
                } else {
                    fetch!(self, Document, fetch_all, CURRENT, &after)?
                };
                let Some(last) = batch.last() else { break };
                (after, after_version) = (last.id.clone(), last.version);
                // One transaction per batch: one commit per 500 documents.
                let mut write = WriteSet::default();
                for document in &batch {
                    let Some(body) = rewrite(&document.body) else { continue };
                    write.push(if history {
                        Statement::new(SET_HISTORY, vec![body.into(), (&document.id).into(), document.version.into()])
                    } else {
                        Statement::new(SET_CURRENT, vec![body.into(), (&document.id).into()])
                    });
                }
                changed += write.statements.len() as u64;
                if !write.statements.is_empty() {
                    self.apply(write).await?;
                }
            }
        }
        exec!(self, "DELETE FROM tessera_settings WHERE key = ?", RESEAL_SETTING)?;
        Ok(changed)
    }
}
