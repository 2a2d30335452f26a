//! Opening the configured database.

use crate::group_commit::GroupCommit;
use crate::{Pool, Store, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tessera_config::{DatabaseConfig, PostgresConfig};

/// How long to wait for a connection before reporting the database unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// Catalog writes queue for SQLite's one writer connection (group commit); a long queue is not
/// an outage.
const WRITER_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

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

/// The database holds sealed secrets and token hashes: readable by its owner only. Created so
/// (SQLite gives its `-wal` and `-shm` files the database file's mode), and an existing file
/// (and its `-wal`/`-shm`) made so, with a notice.
fn owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if !path.exists() {
        std::fs::OpenOptions::new().write(true).create(true).truncate(false).mode(0o600).open(path)?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        let Ok(meta) = std::fs::metadata(&file) else { continue };
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
            tracing::warn!(file = %file.display(), "the database file was readable by others: now by its owner only (0600)");
        }
    }
    Ok(())
}

async fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
    let shown = path.display().to_string();
    let open_err = |reason: String| StoreError::SqliteOpen { path: shown.clone(), reason };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| open_err(e.to_string()))?;
    }
    owner_only(path).map_err(|e| open_err(e.to_string()))?;
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    // No ping before each use: a local file does not drop connections, and the ping is a round
    // trip to the connection's worker thread that doubled the cost of every query.
    let pool = SqlitePoolOptions::new()
        .test_before_acquire(false)
        .max_connections(8)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options.clone())
        .await
        .map_err(|e| open_err(e.to_string()))?;
    let writer = SqlitePoolOptions::new()
        .test_before_acquire(false)
        .max_connections(1)
        .acquire_timeout(WRITER_ACQUIRE_TIMEOUT)
        .connect_lazy_with(options);
    Ok(Store {
        pool: Pool::Sqlite(pool),
        target: format!("sqlite:{shown}"),
        group_commit: Some(Arc::new(GroupCommit::new(writer))),
    })
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
    Ok(Store { pool: Pool::Postgres(pool), target, group_commit: None })
}
