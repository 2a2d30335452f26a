//! A consistent copy of an SQLite database taken while the server runs (`tessera backup`).

use crate::{Pool, Store, StoreError};
use std::path::Path;

impl Store {
    /// Writes a consistent, compacted snapshot of the SQLite database to `destination` (a new
    /// file) with `VACUUM INTO`: one read transaction, so writers carry on meanwhile. `Ok(false)`
    /// on PostgreSQL, which has its own tools (pg_dump).
    pub async fn sqlite_snapshot(&self, destination: &Path) -> Result<bool, StoreError> {
        let Pool::Sqlite(pool) = &self.pool else { return Ok(false) };
        let target = destination.to_string_lossy().into_owned();
        sqlx::query("VACUUM INTO ?").bind(&target).execute(pool).await.map_err(|e| self.unavailable(e))?;
        Ok(true)
    }
}
