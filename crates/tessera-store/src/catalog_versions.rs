//! A catalog entity's version history: the current row plus the superseded versions an update
//! moved to `catalog_versions`. Reads by entity id only (an indexed lookup each).

use crate::query::fetch;
use crate::{Store, StoreError};

const CURRENT_BODY: &str = "SELECT body FROM catalog_entities WHERE id = ?";
const HISTORY: &str = "SELECT body FROM catalog_versions WHERE entity_id = ? ORDER BY version DESC";
const VERSION: &str = "SELECT body FROM catalog_entities WHERE id = ? AND version = ? \
     UNION ALL SELECT body FROM catalog_versions WHERE entity_id = ? AND version = ?";

/// Every query of this module (for the query-plan test).
pub(crate) const READ_PATHS: &[&str] = &[CURRENT_BODY, HISTORY, VERSION];

/// Earlier versions of catalog entities.
pub trait VersionStore {
    /// Every stored version's document, newest (the current one) first.
    fn catalog_versions(&self, id: &str) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    fn catalog_version(
        &self,
        id: &str,
        version: f64,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
}

impl VersionStore for Store {
    async fn catalog_versions(&self, id: &str) -> Result<Vec<String>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Body(String);
        let Some(current) = fetch!(self, Body, fetch_optional, CURRENT_BODY, id)? else { return Ok(Vec::new()) };
        let history = fetch!(self, Body, fetch_all, HISTORY, id)?;
        Ok(std::iter::once(current).chain(history).map(|b| b.0).collect())
    }

    async fn catalog_version(&self, id: &str, version: f64) -> Result<Option<String>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Body(String);
        let row = fetch!(self, Body, fetch_optional, VERSION, id, version, id, version)?;
        Ok(row.map(|b| b.0))
    }
}
