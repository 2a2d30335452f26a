//! Catalog entities (their superseded versions are read in `catalog_versions.rs`; an update moves
//! the current one there). Every read and write is an indexed lookup or a
//! range over `fqn_hash` (see the migration): no query's cost grows with the size of the catalog
//! beyond the rows it returns (and counts).

use crate::query::fetch;
use crate::write::{Statement, WriteSet};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CatalogRow {
    pub id: String,
    /// The entity type (`table`, ...).
    pub kind: String,
    pub fqn: String,
    /// One hash per FQN part, joined by `.` (computed by the catalog).
    pub fqn_hash: String,
    pub name: String,
    /// The entity's JSON document.
    pub body: String,
    pub version: f64,
    pub deleted: bool,
    pub updated_at: i64,
    pub updated_by: String,
    /// A type within the kind that lists filter on (an ingestion pipeline's `pipelineType`), or `""`.
    pub subtype: String,
}

/// Which rows a list or count covers. Bounds are exclusive; `""` and `"~"` mean unbounded (every
/// hash sorts between them).
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogRange<'a> {
    pub kind: &'a str,
    pub lower: &'a str,
    pub upper: &'a str,
    /// `(false, false)` non-deleted only, `(true, true)` deleted only, `(false, true)` both.
    pub deleted: (bool, bool),
    /// Only rows of this [`CatalogRow::subtype`]; `""` for any.
    pub subtype: &'a str,
}

impl CatalogRange<'_> {
    pub const UNBOUNDED_LOWER: &'static str = "";
    pub const UNBOUNDED_UPPER: &'static str = "~";
}

macro_rules! catalog_columns {
    () => {
        "id, kind, fqn, fqn_hash, name, body, version, deleted, updated_at, updated_by, subtype"
    };
}

/// The current version moves into the history when a new one replaces it (the history holds
/// superseded versions only; the current one is in `catalog_entities`).
const ARCHIVE_CURRENT: &str = "INSERT INTO catalog_versions (entity_id, version, body) \
     SELECT id, version, body FROM catalog_entities WHERE id = ? AND version = ?";
const INSERT_ENTITY: &str =
    concat!("INSERT INTO catalog_entities (", catalog_columns!(), ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
const BY_ID: &str = concat!("SELECT ", catalog_columns!(), " FROM catalog_entities WHERE id = ?");
const BY_HASH: &str = concat!("SELECT ", catalog_columns!(), " FROM catalog_entities WHERE kind = ? AND fqn_hash = ?");
/// Two lookups in one round trip (a parent and the child a write is about to create or update).
const BY_TWO_HASHES: &str = concat!(
    "SELECT ",
    catalog_columns!(),
    " FROM catalog_entities WHERE kind = ? AND fqn_hash = ? UNION ALL SELECT ",
    catalog_columns!(),
    " FROM catalog_entities WHERE kind = ? AND fqn_hash = ?"
);
const UPDATE: &str = "UPDATE catalog_entities SET body = ?, version = ?, deleted = ?, updated_at = ?, updated_by = ?, \
     subtype = ? WHERE id = ? AND version = ?";
macro_rules! list_sql {
    ($order:literal) => {
        concat!(
            "SELECT ",
            catalog_columns!(),
            " FROM catalog_entities WHERE kind = ? AND deleted IN (?, ?) AND fqn_hash > ? AND fqn_hash < ? \
             AND (? = '' OR subtype = ?) ORDER BY fqn_hash ",
            $order,
            " LIMIT ?"
        )
    };
}
const LIST_FORWARD: &str = list_sql!("ASC");
const LIST_BACKWARD: &str = list_sql!("DESC");
const COUNT: &str = "SELECT COUNT(*) FROM catalog_entities WHERE kind = ? AND deleted IN (?, ?) AND fqn_hash > ? \
     AND fqn_hash < ? AND (? = '' OR subtype = ?)";
const DESCENDANTS: &str = concat!(
    "SELECT ",
    catalog_columns!(),
    " FROM catalog_entities WHERE fqn_hash > ? AND fqn_hash < ? ORDER BY fqn_hash LIMIT ?"
);
const DELETE_VERSIONS: &str = "DELETE FROM catalog_versions WHERE entity_id IN (SELECT id FROM catalog_entities \
     WHERE id = ? OR (fqn_hash > ? AND fqn_hash < ?))";
const DELETE_NAMES: &str = "DELETE FROM catalog_names WHERE entity_id IN (SELECT id FROM catalog_entities \
     WHERE id = ? OR (fqn_hash > ? AND fqn_hash < ?))";
const DELETE_ENTITIES: &str = "DELETE FROM catalog_entities WHERE id = ? OR (fqn_hash > ? AND fqn_hash < ?)";
const DELETE_ONE_VERSIONS: &str = "DELETE FROM catalog_versions WHERE entity_id = ?";
const DELETE_ONE_NAMES: &str = "DELETE FROM catalog_names WHERE entity_id = ?";
const DELETE_ONE: &str = "DELETE FROM catalog_entities WHERE id = ?";

/// Every query of this module that reads or changes existing rows (for the query-plan test).
const READ_PATHS: &[&str] = &[
    BY_ID,
    BY_HASH,
    BY_TWO_HASHES,
    UPDATE,
    LIST_FORWARD,
    LIST_BACKWARD,
    COUNT,
    DESCENDANTS,
    DELETE_VERSIONS,
    DELETE_NAMES,
    DELETE_ENTITIES,
    DELETE_ONE_VERSIONS,
    DELETE_ONE_NAMES,
    DELETE_ONE,
    ARCHIVE_CURRENT,
];

/// Catalog entities: read, insert, update, delete and list them.
pub trait CatalogStore {
    fn catalog_by_id(&self, id: &str) -> impl Future<Output = Result<Option<CatalogRow>, StoreError>> + Send;

    fn catalog_by_hash(
        &self,
        kind: &str,
        fqn_hash: &str,
    ) -> impl Future<Output = Result<Option<CatalogRow>, StoreError>> + Send;

    /// The entities at two `(kind, fqn_hash)` keys, each `None` when absent, in one query. The
    /// kinds must differ (they tell the rows apart).
    fn catalog_by_two_hashes(
        &self,
        first: (&str, &str),
        second: (&str, &str),
    ) -> impl Future<Output = Result<(Option<CatalogRow>, Option<CatalogRow>), StoreError>> + Send;

    /// A new entity (its first version). Another entity of the same kind and FQN makes this a
    /// [`StoreError::Conflict`].
    fn catalog_insert(&self, row: &CatalogRow) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A new version of an existing entity, if it is still at `previous_version`; a concurrent
    /// writer got there first otherwise, and this is a [`StoreError::Conflict`] (re-read, retry).
    fn catalog_update(
        &self,
        row: &CatalogRow,
        previous_version: f64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// One page in `fqn_hash` order (descending when `backwards`, for `before` cursors).
    fn catalog_list(
        &self,
        range: &CatalogRange<'_>,
        limit: i64,
        backwards: bool,
    ) -> impl Future<Output = Result<Vec<CatalogRow>, StoreError>> + Send;

    fn catalog_count(&self, range: &CatalogRange<'_>) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Entities of any kind under an FQN hash (its descendants) after `after` (`""` from the
    /// start), in key order, at most `limit`.
    fn catalog_descendants(
        &self,
        fqn_hash: &str,
        after: &str,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<CatalogRow>, StoreError>> + Send;

    /// Removes an entity, its descendants and all their versions, in one transaction.
    fn catalog_hard_delete(&self, id: &str, fqn_hash: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Removes one entity and its versions (not what lies under its key), in one transaction.
    fn catalog_hard_delete_one(&self, id: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// For tests: how many rows the catalog tables hold.
    fn catalog_row_counts(&self) -> impl Future<Output = Result<(i64, i64), StoreError>> + Send;

    /// For tests: SQLite's query plan of every catalog query that reads or changes stored rows
    /// (`None` on PostgreSQL), so a test can prove none of them scans a whole table.
    fn catalog_query_plans(&self) -> impl Future<Output = Result<Option<Vec<(String, String)>>, StoreError>> + Send;
}

impl CatalogStore for Store {
    async fn catalog_by_id(&self, id: &str) -> Result<Option<CatalogRow>, StoreError> {
        fetch!(self, CatalogRow, fetch_optional, BY_ID, id)
    }

    async fn catalog_by_hash(&self, kind: &str, fqn_hash: &str) -> Result<Option<CatalogRow>, StoreError> {
        fetch!(self, CatalogRow, fetch_optional, BY_HASH, kind, fqn_hash)
    }

    async fn catalog_by_two_hashes(
        &self,
        first: (&str, &str),
        second: (&str, &str),
    ) -> Result<(Option<CatalogRow>, Option<CatalogRow>), StoreError> {
        let rows: Vec<CatalogRow> =
            fetch!(self, CatalogRow, fetch_all, BY_TWO_HASHES, first.0, first.1, second.0, second.1)?;
        let (mut a, mut b) = (None, None);
        for row in rows {
            if row.kind == first.0 {
                a = Some(row);
            } else {
                b = Some(row);
            }
        }
        Ok((a, b))
    }

    async fn catalog_insert(&self, row: &CatalogRow) -> Result<(), StoreError> {
        let mut write = WriteSet::default();
        // The name never changes after this (it is part of the FQN): its search keys neither.
        let names = crate::catalog_names::name_keys(&row.name)
            .into_iter()
            .map(|(key, whole)| (row.kind.clone(), key, row.id.clone(), whole))
            .collect::<Vec<_>>();
        write.push(Statement::new(
            INSERT_ENTITY,
            vec![
                (&row.id).into(),
                (&row.kind).into(),
                (&row.fqn).into(),
                (&row.fqn_hash).into(),
                (&row.name).into(),
                (&row.body).into(),
                row.version.into(),
                row.deleted.into(),
                row.updated_at.into(),
                (&row.updated_by).into(),
                (&row.subtype).into(),
            ],
        ));
        write.push(crate::catalog_names::insert_names(names));
        write.extend(crate::catalog_tags::insert_uses(row));
        write.push(crate::catalog_changes::record(&row.id));
        self.apply(write).await.map(drop)
    }

    async fn catalog_update(&self, row: &CatalogRow, previous_version: f64) -> Result<(), StoreError> {
        let mut write = WriteSet::default();
        let conflict = format!("{} changed meanwhile", row.fqn);
        // Finding no current row at `previous_version` means another writer moved it on.
        write.push(
            Statement::new(ARCHIVE_CURRENT, vec![(&row.id).into(), previous_version.into()])
                .conflict_unless_changed(conflict.clone()),
        );
        write.push(
            Statement::new(
                UPDATE,
                vec![
                    (&row.body).into(),
                    row.version.into(),
                    row.deleted.into(),
                    row.updated_at.into(),
                    (&row.updated_by).into(),
                    (&row.subtype).into(),
                    (&row.id).into(),
                    previous_version.into(),
                ],
            )
            .conflict_unless_changed(conflict),
        );
        write.push(Statement::new(crate::catalog_tags::DELETE_ENTITY_USES, vec![(&row.id).into()]));
        write.extend(crate::catalog_tags::insert_uses(row));
        write.push(crate::catalog_changes::record(&row.id));
        self.apply(write).await.map(drop)
    }

    async fn catalog_list(
        &self,
        range: &CatalogRange<'_>,
        limit: i64,
        backwards: bool,
    ) -> Result<Vec<CatalogRow>, StoreError> {
        let sql = if backwards { LIST_BACKWARD } else { LIST_FORWARD };
        fetch!(
            self,
            CatalogRow,
            fetch_all,
            sql,
            range.kind,
            range.deleted.0,
            range.deleted.1,
            range.lower,
            range.upper,
            range.subtype,
            range.subtype,
            limit
        )
    }

    async fn catalog_count(&self, range: &CatalogRange<'_>) -> Result<i64, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Count(i64);
        let count = fetch!(
            self,
            Count,
            fetch_one,
            COUNT,
            range.kind,
            range.deleted.0,
            range.deleted.1,
            range.lower,
            range.upper,
            range.subtype,
            range.subtype
        )?;
        Ok(count.0)
    }

    async fn catalog_descendants(
        &self,
        fqn_hash: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<CatalogRow>, StoreError> {
        let (lower, upper) = (format!("{fqn_hash}."), format!("{fqn_hash}/"));
        let lower = if after > lower.as_str() { after.to_string() } else { lower };
        fetch!(self, CatalogRow, fetch_all, DESCENDANTS, &lower, &upper, limit)
    }

    async fn catalog_hard_delete(&self, id: &str, fqn_hash: &str) -> Result<u64, StoreError> {
        let args = || vec![id.into(), format!("{fqn_hash}.").into(), format!("{fqn_hash}/").into()];
        let mut write = WriteSet::default();
        let mut record = args();
        record.insert(0, crate::clock::now_millis().into());
        write.push(Statement::new(crate::catalog_changes::RECORD_SUBTREE, record));
        write.push(Statement::new(DELETE_VERSIONS, args()));
        write.push(Statement::new(DELETE_NAMES, args()));
        write.push(Statement::new(crate::catalog_tags::DELETE_SUBTREE_USES, args()));
        write.push(Statement::new(crate::usage::DELETE_SUBTREE_USAGE, args()));
        for sql in crate::lineage::DELETE_SUBTREE_EDGES {
            write.push(Statement::new(sql, args()));
        }
        write.push(Statement::new(DELETE_ENTITIES, args()));
        Ok(self.apply(write).await?.last().copied().unwrap_or(0))
    }

    async fn catalog_hard_delete_one(&self, id: &str) -> Result<u64, StoreError> {
        let mut write = WriteSet::default();
        write.push(crate::catalog_changes::record(id));
        write.push(Statement::new(DELETE_ONE_VERSIONS, vec![id.into()]));
        write.push(Statement::new(DELETE_ONE_NAMES, vec![id.into()]));
        write.push(Statement::new(crate::catalog_tags::DELETE_ENTITY_USES, vec![id.into()]));
        write.push(Statement::new(crate::usage::DELETE_ONE_USAGE, vec![id.into()]));
        for sql in crate::lineage::DELETE_ONE_EDGES {
            write.push(Statement::new(sql, vec![id.into()]));
        }
        write.push(Statement::new(DELETE_ONE, vec![id.into()]));
        Ok(self.apply(write).await?.last().copied().unwrap_or(0))
    }

    #[doc(hidden)]
    async fn catalog_row_counts(&self) -> Result<(i64, i64), StoreError> {
        #[derive(sqlx::FromRow)]
        struct Counts(i64, i64);
        let c = fetch!(
            self,
            Counts,
            fetch_one,
            "SELECT (SELECT COUNT(*) FROM catalog_entities), (SELECT COUNT(*) FROM catalog_versions)"
        )?;
        Ok((c.0, c.1))
    }

    #[doc(hidden)]
    async fn catalog_query_plans(&self) -> Result<Option<Vec<(String, String)>>, StoreError> {
        let crate::Pool::Sqlite(pool) = &self.pool else { return Ok(None) };
        let mut plans = Vec::new();
        for sql in READ_PATHS
            .iter()
            .chain(crate::catalog_versions::READ_PATHS)
            .chain(crate::catalog_changes::READ_PATHS)
            .chain(crate::catalog_names::SEARCH_PATHS)
            .chain(crate::catalog_tags::TAG_PATHS)
            .chain(crate::lineage::LINEAGE_PATHS)
            .chain(crate::usage::USAGE_PATHS)
            .chain(crate::table_joins::JOIN_PATHS)
            .chain(crate::query_costs::COST_PATHS)
            .chain(crate::pipeline_status::READ_PATHS)
            .chain(crate::catalog_rekey::REKEY_PATHS)
            .chain(crate::catalog_reseal::RESEAL_PATHS)
        {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let placeholders = sql.matches('?').count();
            let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(explain));
            for _ in 0..placeholders {
                query = query.bind("x");
            }
            let rows = query.fetch_all(pool).await.map_err(|e| self.classify(e))?;
            let detail = rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; ");
            plans.push((sql.to_string(), detail));
        }
        Ok(Some(plans))
    }
}

impl Store {
    /// Name-search keys `(kind, key, entity id, whole)`, in one transaction (the backfill).
    pub(crate) async fn catalog_insert_names(
        &self,
        keys: Vec<(String, String, String, bool)>,
    ) -> Result<(), StoreError> {
        let mut write = WriteSet::default();
        // One statement per 200 keys stays under every backend's limit on bound parameters.
        let mut keys = keys.into_iter().peekable();
        while keys.peek().is_some() {
            write.push(crate::catalog_names::insert_names(keys.by_ref().take(200).collect()));
        }
        self.apply(write).await.map(drop)
    }
}
