//! The catalog's change feed (`catalog_changes`): every insert, update and hard delete of a catalog
//! entity appends the entity's id in the same transaction. Search indexes follow it by `seq` and
//! re-read what it names (`catalog_rows_by_ids`); a rebuild walks every entity by id.

use crate::catalog::CatalogRow;
use crate::query::fetch;
use crate::write::Statement;
use crate::{Store, StoreError};

/// One entry: the entity `entity_id` was written (or deleted) at `seq`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CatalogChange {
    pub seq: i64,
    pub entity_id: String,
}

pub(crate) const RECORD: &str = "INSERT INTO catalog_changes (entity_id, at) VALUES (?, ?)";
/// Before a subtree's hard delete: one entry per entity about to go.
pub(crate) const RECORD_SUBTREE: &str = "INSERT INTO catalog_changes (entity_id, at) SELECT id, ? \
     FROM catalog_entities WHERE id = ? OR (fqn_hash > ? AND fqn_hash < ?)";
const AFTER: &str = "SELECT seq, entity_id FROM catalog_changes WHERE seq > ? ORDER BY seq LIMIT ?";
const AT: &str = "SELECT seq, entity_id FROM catalog_changes WHERE seq = ?";
/// (The range is always true; it makes the plan name the key it reads, as the plan test checks.)
const LATEST: &str = "SELECT COALESCE(MAX(seq), 0) FROM catalog_changes WHERE seq > -1";
const SCAN: &str = concat!(
    "SELECT id, kind, fqn, fqn_hash, name, body, version, deleted, updated_at, updated_by, subtype ",
    "FROM catalog_entities WHERE id > ? ORDER BY id LIMIT ?"
);

/// Every query of this module that reads existing rows (for the query-plan test).
pub(crate) const READ_PATHS: &[&str] = &[AFTER, AT, LATEST, SCAN];

/// The statement that records a write of `id` (joined to the write's own transaction).
pub(crate) fn record(id: &str) -> Statement {
    Statement::new(RECORD, vec![id.into(), crate::clock::now_millis().into()])
}

/// The catalog's change feed, as a search index reads it.
pub trait CatalogChangeStore {
    /// Entries after `seq`, oldest first, at most `limit`.
    fn catalog_changes_after(
        &self,
        seq: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<CatalogChange>, StoreError>> + Send;

    /// The entry at `seq`, if there is one.
    fn catalog_change_at(&self, seq: i64) -> impl Future<Output = Result<Option<CatalogChange>, StoreError>> + Send;

    /// The newest entry's `seq` (0 when there is none).
    fn catalog_latest_change(&self) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Entities by id after `after_id` (`""` for the first), at most `limit`: a rebuild's walk.
    fn catalog_scan(
        &self,
        after_id: &str,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<CatalogRow>, StoreError>> + Send;
}

impl CatalogChangeStore for Store {
    async fn catalog_changes_after(&self, seq: i64, limit: i64) -> Result<Vec<CatalogChange>, StoreError> {
        fetch!(self, CatalogChange, fetch_all, AFTER, seq, limit)
    }

    async fn catalog_change_at(&self, seq: i64) -> Result<Option<CatalogChange>, StoreError> {
        fetch!(self, CatalogChange, fetch_optional, AT, seq)
    }

    async fn catalog_latest_change(&self) -> Result<i64, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Latest(i64);
        Ok(fetch!(self, Latest, fetch_one, LATEST)?.0)
    }

    async fn catalog_scan(&self, after_id: &str, limit: i64) -> Result<Vec<CatalogRow>, StoreError> {
        fetch!(self, CatalogRow, fetch_all, SCAN, after_id, limit)
    }
}
