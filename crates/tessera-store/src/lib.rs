//! Persistence for Tessera: the embedded SQLite database by default, PostgreSQL in production, one
//! API over both. Migrations are kept per backend and applied in order; a database whose schema is
//! newer than this build is refused rather than touched.

mod access;
mod accounts;
mod backup;
mod bounded_map;
mod catalog;
mod catalog_changes;
mod catalog_names;
mod catalog_rekey;
mod catalog_reseal;
mod catalog_tags;
mod catalog_versions;
mod change_feed;
pub mod clock;
mod connect;
mod copy;
mod error;
mod group_commit;
mod lineage;
mod migrate;
mod passwords;
mod pipeline_status;
mod query;
mod query_costs;
mod sessions;
mod settings;
mod table_joins;
#[doc(hidden)]
pub mod testing;
mod tokens;
mod usage;
mod write;

pub use access::{AccessRow, AccessStore, MembershipRow};
pub use accounts::{AccountStore, BotRow, UserRow};
pub use bounded_map::BoundedMap;
pub use catalog::{CatalogRange, CatalogRow, CatalogStore};
pub use catalog_changes::{CatalogChange, CatalogChangeStore};
pub use catalog_names::{CatalogNameStore, NAME_KEY_CHARS, NameHits, NameSearch, SEARCH_WINDOW, name_key};
pub use catalog_tags::{CatalogTagStore, TaggedPage};
pub use catalog_versions::VersionStore;
pub use change_feed::ChangeFeed;
pub use copy::{CopyError, CopyReport, copy_sqlite_to_postgres};
pub use error::StoreError;
pub use lineage::{IDS_PER_QUERY, LineageRow, LineageStore};
pub use migrate::{LATEST_SCHEMA_VERSION, MigrationReport};
pub use passwords::{LoginFailures, PasswordStore, RefreshTokenRow};
pub use pipeline_status::PipelineStatusStore;
pub use query_costs::{QueryCostRow, QueryCostStore};
pub use sessions::{SessionRow, SessionStore};
pub use table_joins::{JoinCount, JoinKind, JoinStore, JoinTotal};
pub use tokens::{BotCredentialRow, CredentialSnapshot, PersonalTokenRow, TokenStore};
pub use usage::{DailyCount, UsageMerge, UsageRow, UsageStore};

/// An entity's next version: 0.1 → 0.2 → ... (one decimal, so equal versions compare equal as
/// floats). Every kind of entity steps its version with this.
pub fn next_version(version: f64) -> f64 {
    ((version * 10.0).round() + 1.0) / 10.0
}

use sqlx::{PgPool, SqlitePool};

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle on the database; cheap to clone (it wraps a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// Where the store points, without secrets (for messages).
    target: String,
    /// SQLite's one writer connection and the queue of writes waiting for it (`None` on
    /// PostgreSQL): see `group_commit.rs`.
    group_commit: Option<std::sync::Arc<group_commit::GroupCommit>>,
}

#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Store {
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The database location without credentials.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// A cheap round-trip, for the health check.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let result = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
            Pool::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
        };
        result.map_err(|e| self.unavailable(e))
    }

    /// Waits for in-flight queries and closes every connection.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
        if let Some(group) = &self.group_commit {
            group.close().await;
        }
    }

    fn unavailable(&self, source: sqlx::Error) -> StoreError {
        StoreError::from_sqlx(&self.target, source)
    }

    /// Unique-constraint violations become [`StoreError::Conflict`]; the rest as `unavailable`.
    fn classify(&self, source: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &source
            && db.is_unique_violation()
        {
            return StoreError::Conflict { detail: db.message().to_string() };
        }
        self.unavailable(source)
    }
}

impl Store {
    /// Runs SQL as given; for tests and administrative commands, never with user input.
    #[doc(hidden)]
    pub async fn execute_raw(&self, sql: &str) -> Result<(), StoreError> {
        let result = match &self.pool {
            Pool::Sqlite(pool) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(pool).await.map(drop),
            Pool::Postgres(pool) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(pool).await.map(drop),
        };
        result.map_err(|e| self.unavailable(e))
    }

    /// The first column (text) of every row a query returns; for tests that look at what is
    /// really stored, never with user input.
    #[doc(hidden)]
    pub async fn query_texts_raw(&self, sql: &str) -> Result<Vec<String>, StoreError> {
        use sqlx::Row;
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        let texts = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query(sql).fetch_all(pool).await.map(|rows| rows.iter().map(|r| r.try_get(0)).collect())
            }
            Pool::Postgres(pool) => {
                sqlx::query(sql).fetch_all(pool).await.map(|rows| rows.iter().map(|r| r.try_get(0)).collect())
            }
        };
        texts.and_then(|t| t).map_err(|e| self.unavailable(e))
    }

    /// The value of an SQLite pragma (`None` on PostgreSQL).
    #[doc(hidden)]
    pub async fn pragma(&self, name: &str) -> Option<String> {
        let Pool::Sqlite(pool) = &self.pool else { return None };
        let value: sqlx::Result<sqlx::sqlite::SqliteRow> =
            sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA {name}"))).fetch_one(pool).await;
        use sqlx::Row;
        value.ok().and_then(|row| {
            row.try_get::<String, _>(0).ok().or_else(|| row.try_get::<i64, _>(0).ok().map(|n| n.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_step_by_a_tenth() {
        assert_eq!(super::next_version(0.1), 0.2);
        let mut v = 0.1;
        for _ in 0..9 {
            v = super::next_version(v);
        }
        assert_eq!(v, 1.0);
        assert_eq!(super::next_version(1.0), 1.1);
    }
}
