//! Storage errors, each saying what to change.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database at {target} is unavailable: {reason}")]
    Unavailable { target: String, reason: String },
    #[error(
        "the database at {target} has schema version {found}, newer than this Tessera build supports ({supported}); \
         run a newer Tessera, or restore a backup taken before the upgrade"
    )]
    NewerSchema { target: String, found: i64, supported: i64 },
    #[error("migration {version} ({description}) failed on {target}: {reason}; nothing of it was applied")]
    Migration { target: String, version: i64, description: &'static str, reason: String },
    #[error("cannot open the SQLite database {path}: {reason}; check that TESSERA_DATA_DIR exists and is writable")]
    SqliteOpen { path: String, reason: String },
    #[error("the entity already exists ({detail})")]
    Conflict { detail: String },
    #[error("database query failed on {target}: {reason}")]
    Query { target: String, reason: String },
}

impl StoreError {
    /// Classifies a driver error: connection-level failures are `Unavailable` (503 for clients).
    pub(crate) fn from_sqlx(target: &str, source: sqlx::Error) -> Self {
        let reason = describe(&source);
        match source {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => {
                StoreError::Unavailable { target: target.into(), reason }
            }
            sqlx::Error::Database(ref db) if db.code().is_some_and(|c| c.starts_with("08") || c.starts_with("57P")) => {
                StoreError::Unavailable { target: target.into(), reason }
            }
            _ => StoreError::Query { target: target.into(), reason },
        }
    }

    /// True when retrying later may succeed (the database is down or restarting).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }
}

fn describe(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::PoolTimedOut => "no connection could be made in time".into(),
        other => other.to_string(),
    }
}
