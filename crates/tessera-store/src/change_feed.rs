//! The change feed (`auth_changes`): every write to users, bots, tokens, policies, roles and teams
//! appends a row; each replica follows the newest number and reloads its in-memory state when it
//! moves.

use crate::clock::now_millis;
use crate::query::{exec, fetch};
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct Count {
    n: i64,
}

/// The change feed every replica follows to reload what it caches.
pub trait ChangeFeed {
    /// Appends to the change feed; replicas reload their revocation state when it moves.
    fn record_change(&self, kind: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The newest change number (0 when none).
    fn latest_change(&self) -> impl Future<Output = Result<i64, StoreError>> + Send;
}

impl ChangeFeed for Store {
    async fn record_change(&self, kind: &str) -> Result<(), StoreError> {
        exec!(self, "INSERT INTO auth_changes (kind, at) VALUES (?, ?)", kind, now_millis())?;
        Ok(())
    }

    async fn latest_change(&self) -> Result<i64, StoreError> {
        let row = fetch!(self, Count, fetch_one, "SELECT COALESCE(MAX(seq), 0) AS n FROM auth_changes")?;
        Ok(row.n)
    }
}
