//! Schema migrations, one list per backend, applied in order inside transactions. Several replicas
//! may start at once: PostgreSQL serialises them with an advisory lock, SQLite with its write lock.

use crate::{Pool, Store, StoreError};
use sqlx::Connection;

struct Migration {
    version: i64,
    description: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "settings",
        sqlite: include_str!("../migrations/sqlite/0001_settings.sql"),
        postgres: include_str!("../migrations/postgres/0001_settings.sql"),
    },
    Migration {
        version: 2,
        description: "accounts",
        sqlite: include_str!("../migrations/sqlite/0002_accounts.sql"),
        postgres: include_str!("../migrations/postgres/0002_accounts.sql"),
    },
    Migration {
        version: 3,
        description: "sessions",
        sqlite: include_str!("../migrations/sqlite/0003_sessions.sql"),
        postgres: include_str!("../migrations/postgres/0003_sessions.sql"),
    },
    Migration {
        version: 4,
        description: "access control",
        sqlite: include_str!("../migrations/sqlite/0004_access_control.sql"),
        postgres: include_str!("../migrations/postgres/0004_access_control.sql"),
    },
    Migration {
        version: 5,
        description: "catalog",
        sqlite: include_str!("../migrations/sqlite/0005_catalog.sql"),
        postgres: include_str!("../migrations/postgres/0005_catalog.sql"),
    },
    Migration {
        version: 6,
        description: "catalog name search",
        sqlite: include_str!("../migrations/sqlite/0006_catalog_names.sql"),
        postgres: include_str!("../migrations/postgres/0006_catalog_names.sql"),
    },
    Migration {
        version: 7,
        description: "pipeline statuses",
        sqlite: include_str!("../migrations/sqlite/0007_pipeline_statuses.sql"),
        postgres: include_str!("../migrations/postgres/0007_pipeline_statuses.sql"),
    },
    Migration {
        version: 8,
        description: "catalog history without the current version",
        sqlite: include_str!("../migrations/sqlite/0008_catalog_history.sql"),
        postgres: include_str!("../migrations/postgres/0008_catalog_history.sql"),
    },
    Migration {
        version: 9,
        description: "catalog keys that keep siblings in name order",
        sqlite: include_str!("../migrations/sqlite/0009_catalog_keys.sql"),
        postgres: include_str!("../migrations/postgres/0009_catalog_keys.sql"),
    },
    Migration {
        version: 10,
        description: "name-search keys without a rowid (SQLite)",
        sqlite: include_str!("../migrations/sqlite/0010_catalog_names_without_rowid.sql"),
        postgres: include_str!("../migrations/postgres/0010_catalog_names_without_rowid.sql"),
    },
    Migration {
        version: 11,
        description: "secrets left in clear in stored documents are sealed",
        sqlite: include_str!("../migrations/sqlite/0011_sealed_pipeline_secrets.sql"),
        postgres: include_str!("../migrations/postgres/0011_sealed_pipeline_secrets.sql"),
    },
    Migration {
        version: 12,
        description: "the identity-provider account each user signed up with",
        sqlite: include_str!("../migrations/sqlite/0012_user_identity.sql"),
        postgres: include_str!("../migrations/postgres/0012_user_identity.sql"),
    },
    Migration {
        version: 13,
        description: "password sign-in: password hashes, failed logins, refresh and signed-out tokens",
        sqlite: include_str!("../migrations/sqlite/0013_passwords.sql"),
        postgres: include_str!("../migrations/postgres/0013_passwords.sql"),
    },
    Migration {
        version: 14,
        description: "tag uses of catalog entities; user profiles and time zones",
        sqlite: include_str!("../migrations/sqlite/0014_tag_uses_and_profiles.sql"),
        postgres: include_str!("../migrations/postgres/0014_tag_uses_and_profiles.sql"),
    },
    Migration {
        version: 15,
        description: "lineage edges",
        sqlite: include_str!("../migrations/sqlite/0015_lineage.sql"),
        postgres: include_str!("../migrations/postgres/0015_lineage.sql"),
    },
    Migration {
        version: 16,
        description: "daily usage of catalog entities",
        sqlite: include_str!("../migrations/sqlite/0016_usage.sql"),
        postgres: include_str!("../migrations/postgres/0016_usage.sql"),
    },
    Migration {
        version: 17,
        description: "catalog change feed (search index)",
        sqlite: include_str!("../migrations/sqlite/0017_catalog_changes.sql"),
        postgres: include_str!("../migrations/postgres/0017_catalog_changes.sql"),
    },
    Migration {
        version: 18,
        description: "table joins and query cost records",
        sqlite: include_str!("../migrations/sqlite/0018_joins_and_query_costs.sql"),
        postgres: include_str!("../migrations/postgres/0018_joins_and_query_costs.sql"),
    },
];

/// The schema version this build creates and understands.
pub const LATEST_SCHEMA_VERSION: i64 = 18;

/// Any stable number: the key of the PostgreSQL advisory lock held while migrating.
const PG_MIGRATION_LOCK: i64 = 0x0074_6573_7365_7261; // "tessera" in ASCII

const CREATE_TABLE_SQLITE: &str = "CREATE TABLE IF NOT EXISTS tessera_schema_migrations (
    version INTEGER PRIMARY KEY NOT NULL, description TEXT NOT NULL, tessera_version TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))";
const CREATE_TABLE_POSTGRES: &str = "CREATE TABLE IF NOT EXISTS tessera_schema_migrations (
    version BIGINT PRIMARY KEY NOT NULL, description TEXT NOT NULL, tessera_version TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";

const RECORD_SQLITE: &str =
    "INSERT INTO tessera_schema_migrations (version, description, tessera_version) VALUES (?, ?, ?)";
const RECORD_POSTGRES: &str =
    "INSERT INTO tessera_schema_migrations (version, description, tessera_version) VALUES ($1, $2, $3)";

/// One migration inside its open transaction: skipped if already recorded, else run and recorded,
/// then committed. A macro because the two backends' transaction types differ.
macro_rules! apply {
    ($store:expr, $tx:ident, $m:expr, $script:expr, $select:expr, $record:expr) => {{
        let done: Option<i64> = sqlx::query_scalar($select)
            .bind($m.version)
            .fetch_optional(&mut *$tx)
            .await
            .map_err(|e| $store.unavailable(e))?;
        if done.is_none() {
            sqlx::raw_sql($script).execute(&mut *$tx).await.map_err(|e| $store.failed($m, e))?;
            sqlx::query($record)
                .bind($m.version)
                .bind($m.description)
                .bind(env!("CARGO_PKG_VERSION"))
                .execute(&mut *$tx)
                .await
                .map_err(|e| $store.failed($m, e))?;
        }
        $tx.commit().await.map_err(|e| $store.failed($m, e))?;
    }};
}

/// What a migration run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    pub from_version: i64,
    pub to_version: i64,
}

impl MigrationReport {
    pub fn applied(&self) -> i64 {
        self.to_version - self.from_version
    }
}

impl Store {
    /// The schema version recorded in the database (0 for an empty one).
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let result: Result<Option<i64>, sqlx::Error> = match &self.pool {
            Pool::Sqlite(pool) => {
                let exists: Option<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'tessera_schema_migrations'",
                )
                .fetch_optional(pool)
                .await
                .map_err(|e| self.unavailable(e))?;
                if exists.is_none() {
                    return Ok(0);
                }
                sqlx::query_scalar("SELECT MAX(version) FROM tessera_schema_migrations").fetch_one(pool).await
            }
            Pool::Postgres(pool) => {
                let exists: Option<String> =
                    sqlx::query_scalar("SELECT to_regclass('tessera_schema_migrations')::text")
                        .fetch_one(pool)
                        .await
                        .map_err(|e| self.unavailable(e))?;
                if exists.is_none() {
                    return Ok(0);
                }
                sqlx::query_scalar("SELECT MAX(version) FROM tessera_schema_migrations").fetch_one(pool).await
            }
        };
        Ok(result.map_err(|e| self.unavailable(e))?.unwrap_or(0))
    }

    /// Refuses a database whose schema is newer than this build, without changing it.
    pub async fn check_schema_not_newer(&self) -> Result<i64, StoreError> {
        let found = self.schema_version().await?;
        if found > LATEST_SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                target: self.target.clone(),
                found,
                supported: LATEST_SCHEMA_VERSION,
            });
        }
        Ok(found)
    }

    /// Brings the schema to [`LATEST_SCHEMA_VERSION`].
    pub async fn migrate(&self) -> Result<MigrationReport, StoreError> {
        let from_version = self.check_schema_not_newer().await?;
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut conn = pool.acquire().await.map_err(|e| self.unavailable(e))?;
                sqlx::query(CREATE_TABLE_SQLITE).execute(&mut *conn).await.map_err(|e| self.unavailable(e))?;
                for m in MIGRATIONS {
                    // BEGIN IMMEDIATE takes the write lock first, so a concurrent start waits, then sees the row.
                    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(|e| self.unavailable(e))?;
                    apply!(
                        self,
                        tx,
                        m,
                        m.sqlite,
                        "SELECT version FROM tessera_schema_migrations WHERE version = ?",
                        RECORD_SQLITE
                    );
                }
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await.map_err(|e| self.unavailable(e))?;
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(PG_MIGRATION_LOCK)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| self.unavailable(e))?;
                let outcome = self.migrate_postgres(&mut conn).await;
                let unlock =
                    sqlx::query("SELECT pg_advisory_unlock($1)").bind(PG_MIGRATION_LOCK).execute(&mut *conn).await;
                outcome?;
                unlock.map_err(|e| self.unavailable(e))?;
            }
        }
        self.backfill_catalog_names().await?;
        self.backfill_catalog_tag_uses().await?;
        Ok(MigrationReport { from_version, to_version: LATEST_SCHEMA_VERSION })
    }

    async fn migrate_postgres(&self, conn: &mut sqlx::PgConnection) -> Result<(), StoreError> {
        sqlx::query(CREATE_TABLE_POSTGRES).execute(&mut *conn).await.map_err(|e| self.unavailable(e))?;
        for m in MIGRATIONS {
            let mut tx = conn.begin().await.map_err(|e| self.unavailable(e))?;
            apply!(
                self,
                tx,
                m,
                m.postgres,
                "SELECT version FROM tessera_schema_migrations WHERE version = $1",
                RECORD_POSTGRES
            );
        }
        Ok(())
    }

    fn failed(&self, m: &Migration, e: sqlx::Error) -> StoreError {
        match StoreError::from_sqlx(&self.target, e) {
            unavailable @ StoreError::Unavailable { .. } => unavailable,
            other => StoreError::Migration {
                target: self.target.clone(),
                version: m.version,
                description: m.description,
                reason: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_latest_is_last() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "migration {} is out of order", m.description);
        }
        assert_eq!(MIGRATIONS.last().unwrap().version, LATEST_SCHEMA_VERSION);
    }
}
