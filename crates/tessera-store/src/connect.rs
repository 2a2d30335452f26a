//! Opening the configured database.

use crate::{Pool, Store, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;
use tessera_config::{DatabaseConfig, PostgresConfig};

/// How long to wait for a connection before reporting the database unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

impl Store {
    /// Opens the database and checks that it answers.
    pub async fn connect(config: &DatabaseConfig) -> Result<Store, StoreError> {
        let store = match config {
            DatabaseConfig::Sqlite { path } => open_sqlite(path).await?,
            DatabaseConfig::Postgres(pg) => open_postgres(pg).await?,
        };
        store.ping().await?;
        Ok(store)
    }
}

async fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
    let shown = path.display().to_string();
    let open_err = |reason: String| StoreError::SqliteOpen { path: shown.clone(), reason };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| open_err(e.to_string()))?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await
        .map_err(|e| open_err(e.to_string()))?;
    Ok(Store { pool: Pool::Sqlite(pool), target: format!("sqlite:{shown}"), sqlite_writer: Default::default() })
}

async fn open_postgres(config: &PostgresConfig) -> Result<Store, StoreError> {
    let target = config.describe();
    let mut options = PgConnectOptions::new()
        .host(&config.host)
        .port(config.port)
        .username(&config.user)
        .password(config.password.expose())
        .database(&config.database)
        .application_name(config.params.get("application_name").map(String::as_str).unwrap_or("tessera"));
    if let Some(mode) = config.params.get("sslmode") {
        let mode = PgSslMode::from_str(mode).map_err(|_| StoreError::Unavailable {
            target: target.clone(),
            reason: format!(
                "sslmode={mode} is not one of disable, allow, prefer, require, verify-ca, verify-full (DB_PARAMS)"
            ),
        })?;
        options = options.ssl_mode(mode);
    }
    if let Some(root) = config.params.get("sslrootcert") {
        options = options.ssl_root_cert(root.as_str());
    }
    let pool = PgPoolOptions::new()
        .max_connections(config.max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_lazy_with(options);
    Ok(Store { pool: Pool::Postgres(pool), target, sqlite_writer: Default::default() })
}
