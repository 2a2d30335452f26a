//! `tessera backup DIR`: what a restore needs, taken while the server runs — a consistent
//! snapshot of the SQLite database and the signing key files — written into a new directory.
//! Restore: stop Tessera, copy the directory's files into TESSERA_DATA_DIR, start it.

use anyhow::{Context, bail};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::process::ExitCode;
use tessera_config::{Config, DatabaseConfig};

pub fn run(config: Config, destination: &Path) -> anyhow::Result<ExitCode> {
    crate::logging::init(&config.log);
    let path = match &config.database {
        DatabaseConfig::Sqlite { path } => path,
        DatabaseConfig::Postgres(pg) => bail!(
            "`tessera backup` copies the SQLite database; this configuration uses PostgreSQL ({}): back it up with \
             pg_dump, and keep a copy of the signing key files (RSA_PRIVATE_KEY_FILE_PATH / RSA_PUBLIC_KEY_FILE_PATH, \
             or the jwt_*_key.der files in TESSERA_DATA_DIR)",
            pg.describe()
        ),
    };
    if !path.exists() {
        bail!("there is no database at {} yet; check TESSERA_DATA_DIR (nothing to back up)", path.display());
    }
    if destination.exists() {
        bail!(
            "{} already exists; give `tessera backup` a new directory, so no earlier backup is overwritten",
            destination.display()
        );
    }
    // Owner-only, like the data directory: it holds the private key.
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(destination)
        .with_context(|| format!("cannot create {}; choose a writable location", destination.display()))?;
    let database = destination.join(path.file_name().unwrap_or("tessera.db".as_ref()));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let store = tessera_store::Store::connect(&config.database).await?;
        store.check_schema_not_newer().await?;
        store.sqlite_snapshot(&database).await?;
        store.close().await;
        anyhow::Ok(())
    })?;
    std::fs::set_permissions(&database, std::fs::Permissions::from_mode(0o600))?;
    let mut copied = vec![database.display().to_string()];
    for name in tessera_auth::GENERATED_KEY_FILES {
        let source = config.data_dir.join(name);
        if source.exists() {
            copy_private(&source, &destination.join(name))?;
            copied.push(destination.join(name).display().to_string());
        }
    }
    println!("backup written: {}", copied.join(", "));
    if config.jwt.key_files.is_some() {
        println!("note: the signing keys come from RSA_*_KEY_FILE_PATH; back those files up as well");
    }
    Ok(ExitCode::SUCCESS)
}

fn copy_private(source: &Path, destination: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(destination)
        .with_context(|| format!("cannot write {}", destination.display()))?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    Ok(())
}
