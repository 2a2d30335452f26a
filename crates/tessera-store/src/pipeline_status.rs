//! The runs of ingestion pipelines: one status document per (pipeline id, runId), with the
//! status's timestamp for time ranges and "latest". Rows go with their pipeline's catalog row
//! (`ON DELETE CASCADE`).

use crate::query::{exec, fetch};
use crate::{Store, StoreError};

const EXISTS: &str = "SELECT 1 FROM pipeline_statuses WHERE pipeline_id = ? AND run_id = ?";
const UPSERT: &str = "INSERT INTO pipeline_statuses (pipeline_id, run_id, timestamp, body) VALUES (?, ?, ?, ?) \
     ON CONFLICT (pipeline_id, run_id) DO UPDATE SET timestamp = excluded.timestamp, body = excluded.body";
const GET: &str = "SELECT body FROM pipeline_statuses WHERE pipeline_id = ? AND run_id = ?";
const LATEST: &str =
    "SELECT body FROM pipeline_statuses WHERE pipeline_id = ? ORDER BY timestamp DESC, run_id DESC LIMIT 1";
const RANGE: &str = "SELECT body FROM pipeline_statuses WHERE pipeline_id = ? AND timestamp >= ? AND timestamp <= ? \
     ORDER BY timestamp DESC, run_id DESC LIMIT ?";

/// Every query of this module that reads stored rows (for the query-plan test; the upsert goes by
/// the primary key).
pub(crate) const READ_PATHS: &[&str] = &[EXISTS, GET, LATEST, RANGE];

#[derive(sqlx::FromRow)]
struct Body(String);

/// Ingestion pipelines' run statuses.
pub trait PipelineStatusStore {
    /// Creates or replaces the status of one run; `true` when the run had none before.
    fn pipeline_status_put(
        &self,
        pipeline_id: &str,
        run_id: &str,
        timestamp: i64,
        body: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    fn pipeline_status(
        &self,
        pipeline_id: &str,
        run_id: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// The status with the greatest timestamp.
    fn pipeline_status_latest(
        &self,
        pipeline_id: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Statuses with `start <= timestamp <= end`, newest first, at most `limit`.
    fn pipeline_statuses(
        &self,
        pipeline_id: &str,
        start: i64,
        end: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
}

impl PipelineStatusStore for Store {
    async fn pipeline_status_put(
        &self,
        pipeline_id: &str,
        run_id: &str,
        timestamp: i64,
        body: &str,
    ) -> Result<bool, StoreError> {
        #[derive(sqlx::FromRow)]
        struct One(i32);
        let existed = fetch!(self, One, fetch_optional, EXISTS, pipeline_id, run_id)?.map(|One(n)| n).is_some();
        exec!(self, UPSERT, pipeline_id, run_id, timestamp, body)?;
        Ok(!existed)
    }

    async fn pipeline_status(&self, pipeline_id: &str, run_id: &str) -> Result<Option<String>, StoreError> {
        Ok(fetch!(self, Body, fetch_optional, GET, pipeline_id, run_id)?.map(|b| b.0))
    }

    async fn pipeline_status_latest(&self, pipeline_id: &str) -> Result<Option<String>, StoreError> {
        Ok(fetch!(self, Body, fetch_optional, LATEST, pipeline_id)?.map(|b| b.0))
    }

    async fn pipeline_statuses(
        &self,
        pipeline_id: &str,
        start: i64,
        end: i64,
        limit: i64,
    ) -> Result<Vec<String>, StoreError> {
        let rows = fetch!(self, Body, fetch_all, RANGE, pipeline_id, start, end, limit)?;
        Ok(rows.into_iter().map(|b| b.0).collect())
    }
}
