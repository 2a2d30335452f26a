//! `tessera migrate-db [--from FILE]`: moves a SQLite Tessera database into the PostgreSQL
//! database the configuration points to (`tessera_store::copy_sqlite_to_postgres`: one transaction,
//! refused unless PostgreSQL is empty), then says what the new deployment needs besides the data:
//! the same signing keys.

use crate::cli::MigrateDbArgs;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tessera_config::{Config, DatabaseConfig};
use tessera_store::Store;

pub fn run(args: &MigrateDbArgs) -> anyhow::Result<ExitCode> {
    let config = crate::commands::load_config(&args.config)?;
    crate::logging::init(&config.log);
    let DatabaseConfig::Postgres(postgres) = &config.database else {
        bail!(
            "`tessera migrate-db` copies into PostgreSQL, but this configuration uses SQLite; set DATABASE_URL \
             (postgresql://user:password@host:5432/database) or DB_SCHEME=postgresql with DB_HOST, DB_PORT, DB_USER, \
             DB_USER_PASSWORD and OM_DATABASE to the PostgreSQL server to move to, and give the SQLite database with \
             --from"
        );
    };
    let from = args.from.clone().unwrap_or_else(|| config.data_dir.join("tessera.db"));
    if !from.is_file() {
        bail!(
            "there is no SQLite database at {}; give the tessera.db to move with --from (the default is tessera.db \
             in TESSERA_DATA_DIR)",
            from.display()
        );
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let report = runtime.block_on(async {
        let source = Store::connect(&DatabaseConfig::Sqlite { path: from.clone() })
            .await
            .with_context(|| format!("cannot open {} (--from)", from.display()))?;
        let destination = Store::connect(&config.database).await?;
        let copied = tessera_store::copy_sqlite_to_postgres(&source, &destination).await;
        source.close().await;
        destination.close().await;
        copied.context("nothing was copied")
    })?;

    println!("copied {} into {} (schema version {}):", from.display(), postgres.describe(), report.schema_version);
    for (table, rows) in &report.tables {
        println!("  {table:<26} {rows:>9} {}", if *rows == 1 { "row" } else { "rows" });
    }
    let total: i64 = report.tables.iter().map(|(_, rows)| rows).sum();
    println!("  {:<26} {total:>9} rows, the same in both databases", "total");
    println!("{}", signing_keys(&config, &from));
    println!(
        "next: start Tessera with this configuration (`tessera serve`, the same DATABASE_URL / DB_* and FERNET_KEY \
         as before, set or unset); keep {} as a backup until you have checked the catalog",
        from.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Where the signing keys must come from: bot and personal tokens are signed with them, and
/// without FERNET_KEY the secrets stored in the database are sealed with a key derived from them.
fn signing_keys(config: &Config, from: &Path) -> String {
    let source_dir = match from.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let present: Vec<&str> =
        tessera_auth::GENERATED_KEY_FILES.into_iter().filter(|name| source_dir.join(name).is_file()).collect();
    let why = "otherwise every bot and personal access token stops working and, without FERNET_KEY, the stored \
               secrets (bot tokens, connection passwords) cannot be decrypted";
    let (dir, files) = (source_dir.display(), present.join(", "));
    if present.is_empty() {
        return format!(
            "signing keys: {dir} holds no generated key files, so the SQLite deployment used \
             RSA_PRIVATE_KEY_FILE_PATH / RSA_PUBLIC_KEY_FILE_PATH: give Tessera on PostgreSQL the same files; {why}"
        );
    }
    if config.jwt.key_files.is_some() {
        return format!(
            "signing keys: {dir} holds the keys the SQLite deployment generated ({files}), but this configuration \
             sets RSA_PRIVATE_KEY_FILE_PATH / RSA_PUBLIC_KEY_FILE_PATH: unless they are that pair, unset them and \
             start with TESSERA_DATA_DIR={dir}; {why}"
        );
    }
    let same_dir = match (source_dir.canonicalize(), config.data_dir.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same_dir {
        return format!("signing keys: keep TESSERA_DATA_DIR={dir}: its key files ({files}) stay in use; {why}");
    }
    let target = config.data_dir.display();
    let differs = present.iter().any(|name| {
        let existing = std::fs::read(config.data_dir.join(name));
        existing.is_ok_and(|bytes| std::fs::read(source_dir.join(name)).is_ok_and(|old| old != bytes))
    });
    let replace = if differs { " (replacing the different ones there)" } else { "" };
    format!(
        "signing keys: copy {files} from {dir} into TESSERA_DATA_DIR ({target}){replace} before starting, keeping \
         them owner-only (mode 0600), or start with TESSERA_DATA_DIR={dir}; {why}"
    )
}
