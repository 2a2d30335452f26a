//! Query cost records (`query_cost_records`, migration 0018): one document per record, with its
//! query and timestamp; gone with the query's row.

use crate::query::{exec, fetch};
use crate::{Store, StoreError};

const INSERT: &str = "INSERT INTO query_cost_records (id, query_id, timestamp, body) VALUES (?, ?, ?, ?)";
const GET: &str = "SELECT query_id, body FROM query_cost_records WHERE id = ?";

/// For the query-plan test.
pub(crate) const COST_PATHS: &[&str] = &[GET];

/// A stored record: its query's id and its JSON document.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct QueryCostRow {
    pub query_id: String,
    pub body: String,
}

/// Cost records of queries.
pub trait QueryCostStore {
    fn query_cost_insert(
        &self,
        id: &str,
        query_id: &str,
        timestamp: i64,
        body: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn query_cost(&self, id: &str) -> impl Future<Output = Result<Option<QueryCostRow>, StoreError>> + Send;
}

impl QueryCostStore for Store {
    async fn query_cost_insert(&self, id: &str, query_id: &str, timestamp: i64, body: &str) -> Result<(), StoreError> {
        exec!(self, INSERT, id, query_id, timestamp, body).map(drop)
    }

    async fn query_cost(&self, id: &str) -> Result<Option<QueryCostRow>, StoreError> {
        fetch!(self, QueryCostRow, fetch_optional, GET, id)
    }
}
