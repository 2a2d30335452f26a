//! Lineage edges (`lineage_edges`, migration 0015): one per ordered pair of entities, with its
//! LineageDetails JSON. Walks read one level at a time, [`IDS_PER_QUERY`] entities per query
//! (fixed placeholders, padded), so every read is a lookup in the key or an index.

use crate::query::{exec, fetch};
use crate::{CatalogRow, Store, StoreError};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LineageRow {
    pub from_id: String,
    pub to_id: String,
    pub from_kind: String,
    pub to_kind: String,
    /// `lineageDetails.source` (`Manual`, `ViewLineage`, ...).
    pub source: String,
    /// `lineageDetails.pipeline.id`, or `""`.
    pub pipeline_id: String,
    /// The LineageDetails document (JSON).
    pub details: String,
}

/// How many entity ids one walk query takes.
pub const IDS_PER_QUERY: usize = 32;

macro_rules! edge_columns {
    () => {
        "from_id, to_id, from_kind, to_kind, source, pipeline_id, details"
    };
}
macro_rules! ids {
    () => {
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
    };
}

const UPSERT: &str = concat!(
    "INSERT INTO lineage_edges (",
    edge_columns!(),
    ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (from_id, to_id) DO UPDATE SET from_kind = excluded.from_kind, \
     to_kind = excluded.to_kind, source = excluded.source, pipeline_id = excluded.pipeline_id, details = excluded.details"
);
const EDGE: &str = concat!("SELECT ", edge_columns!(), " FROM lineage_edges WHERE from_id = ? AND to_id = ?");
const DELETE_EDGE: &str = "DELETE FROM lineage_edges WHERE from_id = ? AND to_id = ?";
const DELETE_BY_SOURCE: &str = "DELETE FROM lineage_edges WHERE to_id = ? AND source = ?";
const DELETE_BY_PIPELINE: &str = "DELETE FROM lineage_edges WHERE pipeline_id = ?";
const UPSTREAM_OF: &str = concat!(
    "SELECT ",
    edge_columns!(),
    " FROM lineage_edges WHERE to_id IN (",
    ids!(),
    ") ORDER BY to_id, from_id LIMIT ?"
);
const DOWNSTREAM_OF: &str = concat!(
    "SELECT ",
    edge_columns!(),
    " FROM lineage_edges WHERE from_id IN (",
    ids!(),
    ") ORDER BY from_id, to_id LIMIT ?"
);
/// The entities at the ends of a level's edges (padded as the walks).
const ENTITIES: &str = concat!(
    "SELECT id, kind, fqn, fqn_hash, name, body, version, deleted, updated_at, updated_by, subtype \
     FROM catalog_entities WHERE id IN (",
    ids!(),
    ")"
);
const THROUGH_PIPELINE: &str =
    concat!("SELECT ", edge_columns!(), " FROM lineage_edges WHERE pipeline_id = ? ORDER BY from_id, to_id LIMIT ?");

/// What a hard delete of entities (an id, or an id and what lies under its key) removes: every
/// edge from, to or through them. Bound as the catalog's deletes are.
pub(crate) const DELETE_SUBTREE_EDGES: [&str; 3] = [
    "DELETE FROM lineage_edges WHERE from_id IN (SELECT id FROM catalog_entities WHERE id = ? OR (fqn_hash > ? AND fqn_hash < ?))",
    "DELETE FROM lineage_edges WHERE to_id IN (SELECT id FROM catalog_entities WHERE id = ? OR (fqn_hash > ? AND fqn_hash < ?))",
    "DELETE FROM lineage_edges WHERE pipeline_id IN (SELECT id FROM catalog_entities WHERE id = ? OR (fqn_hash > ? AND fqn_hash < ?))",
];
pub(crate) const DELETE_ONE_EDGES: [&str; 3] = [
    "DELETE FROM lineage_edges WHERE from_id = ?",
    "DELETE FROM lineage_edges WHERE to_id = ?",
    "DELETE FROM lineage_edges WHERE pipeline_id = ?",
];

/// The lineage queries that read or change stored rows, for the query-plan test.
pub(crate) const LINEAGE_PATHS: &[&str] = &[
    EDGE,
    DELETE_EDGE,
    DELETE_BY_SOURCE,
    DELETE_BY_PIPELINE,
    UPSTREAM_OF,
    DOWNSTREAM_OF,
    THROUGH_PIPELINE,
    ENTITIES,
    DELETE_SUBTREE_EDGES[0],
    DELETE_SUBTREE_EDGES[1],
    DELETE_SUBTREE_EDGES[2],
    DELETE_ONE_EDGES[0],
    DELETE_ONE_EDGES[1],
    DELETE_ONE_EDGES[2],
];

/// Lineage edges: stored, read one by one or a level at a time, deleted.
pub trait LineageStore {
    /// Stores an edge, replacing the one of the same pair.
    fn lineage_upsert(&self, edge: &LineageRow) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn lineage_edge(
        &self,
        from_id: &str,
        to_id: &str,
    ) -> impl Future<Output = Result<Option<LineageRow>, StoreError>> + Send;

    /// Whether there was an edge to delete.
    fn lineage_delete(&self, from_id: &str, to_id: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes the edges into `to_id` of one `source`; how many.
    fn lineage_delete_by_source(
        &self,
        to_id: &str,
        source: &str,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Deletes the edges through the pipeline (or stored procedure) `pipeline_id`; how many.
    fn lineage_delete_by_pipeline(&self, pipeline_id: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Edges into (`upstream`) or out of the entities `ids` (at most [`IDS_PER_QUERY`]), at most
    /// `limit`, in key order.
    fn lineage_next(
        &self,
        ids: &[&str],
        upstream: bool,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<LineageRow>, StoreError>> + Send;

    /// The catalog entities of `ids` (at most [`IDS_PER_QUERY`]) that exist, in no order.
    fn lineage_entities(&self, ids: &[&str]) -> impl Future<Output = Result<Vec<CatalogRow>, StoreError>> + Send;

    /// Edges through the pipeline (or stored procedure) `pipeline_id`, at most `limit`.
    fn lineage_through(
        &self,
        pipeline_id: &str,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<LineageRow>, StoreError>> + Send;
}

impl LineageStore for Store {
    async fn lineage_upsert(&self, e: &LineageRow) -> Result<(), StoreError> {
        exec!(self, UPSERT, &e.from_id, &e.to_id, &e.from_kind, &e.to_kind, &e.source, &e.pipeline_id, &e.details)?;
        Ok(())
    }

    async fn lineage_edge(&self, from_id: &str, to_id: &str) -> Result<Option<LineageRow>, StoreError> {
        fetch!(self, LineageRow, fetch_optional, EDGE, from_id, to_id)
    }

    async fn lineage_delete(&self, from_id: &str, to_id: &str) -> Result<bool, StoreError> {
        Ok(exec!(self, DELETE_EDGE, from_id, to_id)? > 0)
    }

    async fn lineage_delete_by_source(&self, to_id: &str, source: &str) -> Result<u64, StoreError> {
        exec!(self, DELETE_BY_SOURCE, to_id, source)
    }

    async fn lineage_delete_by_pipeline(&self, pipeline_id: &str) -> Result<u64, StoreError> {
        exec!(self, DELETE_BY_PIPELINE, pipeline_id)
    }

    async fn lineage_next(&self, ids: &[&str], upstream: bool, limit: i64) -> Result<Vec<LineageRow>, StoreError> {
        let Some(id) = padded(ids) else { return Ok(Vec::new()) };
        let sql = if upstream { UPSTREAM_OF } else { DOWNSTREAM_OF };
        fetch!(
            self, LineageRow, fetch_all, sql, id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7], id[8], id[9],
            id[10], id[11], id[12], id[13], id[14], id[15], id[16], id[17], id[18], id[19], id[20], id[21], id[22],
            id[23], id[24], id[25], id[26], id[27], id[28], id[29], id[30], id[31], limit
        )
    }

    async fn lineage_entities(&self, ids: &[&str]) -> Result<Vec<CatalogRow>, StoreError> {
        let Some(id) = padded(ids) else { return Ok(Vec::new()) };
        fetch!(
            self, CatalogRow, fetch_all, ENTITIES, id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7], id[8],
            id[9], id[10], id[11], id[12], id[13], id[14], id[15], id[16], id[17], id[18], id[19], id[20], id[21],
            id[22], id[23], id[24], id[25], id[26], id[27], id[28], id[29], id[30], id[31]
        )
    }

    async fn lineage_through(&self, pipeline_id: &str, limit: i64) -> Result<Vec<LineageRow>, StoreError> {
        fetch!(self, LineageRow, fetch_all, THROUGH_PIPELINE, pipeline_id, limit)
    }
}

/// `ids` filled up to [`IDS_PER_QUERY`] with its first (`None` when empty). More is a caller's bug.
fn padded<'a>(ids: &[&'a str]) -> Option<[&'a str; IDS_PER_QUERY]> {
    let first = ids.first()?;
    assert!(ids.len() <= IDS_PER_QUERY, "at most {IDS_PER_QUERY} ids per query");
    Some(std::array::from_fn(|i| ids.get(i).copied().unwrap_or(first)))
}
