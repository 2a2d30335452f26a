//! Database selection: the embedded SQLite database unless the `DB_*` settings or `DATABASE_URL`
//! point to a PostgreSQL server.

use crate::model::{DatabaseConfig, PostgresConfig, Secret};
use crate::reader::Reader;
use std::collections::BTreeMap;
use std::path::Path;

/// JDBC (MySQL driver) parameters in the original's default `DB_PARAMS`, meaningless to PostgreSQL.
const JDBC_ONLY_PARAMS: &[&str] = &["allowPublicKeyRetrieval", "useSSL", "serverTimezone"];
/// libpq parameters Tessera passes on.
const PG_PARAMS: &[&str] = &["sslmode", "sslrootcert", "sslcert", "sslkey", "application_name", "options"];

pub fn read_database(r: &mut Reader, data_dir: &Path) -> DatabaseConfig {
    let url = r.text("DATABASE_URL");
    if !url.is_empty() {
        return from_url(r, &url);
    }
    let scheme = r.text("DB_SCHEME").to_lowercase();
    let driver = r.text("DB_DRIVER_CLASS");
    let wants_postgres = scheme.starts_with("postgres") || driver == "org.postgresql.Driver";
    let wants_mysql = scheme == "mysql" || driver.contains("mysql") || driver.contains("mariadb");
    if wants_mysql {
        r.error(
            if scheme == "mysql" { "DB_SCHEME" } else { "DB_DRIVER_CLASS" },
            "MySQL is not supported by Tessera",
            "use PostgreSQL (DB_SCHEME=postgresql, DB_DRIVER_CLASS=org.postgresql.Driver), or unset the DB_* variables for the embedded SQLite database",
        );
    } else if !scheme.is_empty() && !wants_postgres {
        r.error(
            "DB_SCHEME",
            format!("unsupported database {scheme:?}"),
            "use postgresql, or unset DB_SCHEME for the embedded SQLite database",
        );
    }
    if !wants_postgres {
        if r.is_set("DB_HOST") && !wants_mysql {
            r.warn(
                "DB_HOST",
                "set, but DB_SCHEME is not postgresql, so the embedded SQLite database is used",
                "set DB_SCHEME=postgresql to use the PostgreSQL server at DB_HOST",
            );
        }
        return DatabaseConfig::Sqlite { path: data_dir.join("tessera.db") };
    }
    let host = r.text("DB_HOST");
    if host.is_empty() {
        r.error(
            "DB_HOST",
            "PostgreSQL is selected but DB_HOST is empty",
            "set DB_HOST to the PostgreSQL server's host name",
        );
    }
    let port = if r.is_set("DB_PORT") { r.port("DB_PORT") } else { 5432 };
    let (params, use_ssl) = (r.text("DB_PARAMS"), r.boolean("DB_USE_SSL"));
    let mut params = parse_params(r, &params);
    if use_ssl {
        params.entry("sslmode".into()).or_insert_with(|| "require".into());
    }
    DatabaseConfig::Postgres(PostgresConfig {
        host,
        port,
        user: r.text("DB_USER"),
        password: Secret::new(r.text("DB_USER_PASSWORD")),
        database: r.text("OM_DATABASE"),
        params,
        max_connections: pool_size(r),
    })
}

fn pool_size(r: &mut Reader) -> u32 {
    match r.integer("DB_CONNECTION_POOL_MAX_SIZE").and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0) {
        Some(n) => n,
        None => {
            r.error("DB_CONNECTION_POOL_MAX_SIZE", "must be a positive number", "use e.g. 50");
            50
        }
    }
}

fn parse_params(r: &mut Reader, text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for pair in text.split('&').filter(|p| !p.trim().is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if JDBC_ONLY_PARAMS.contains(&key) {
            continue;
        }
        if PG_PARAMS.contains(&key) {
            out.insert(key.to_string(), value.to_string());
        } else {
            r.warn(
                "DB_PARAMS",
                format!("parameter {key:?} is ignored"),
                format!("PostgreSQL parameters Tessera passes on: {}", PG_PARAMS.join(", ")),
            );
        }
    }
    out
}

fn from_url(r: &mut Reader, text: &str) -> DatabaseConfig {
    let fallback = || DatabaseConfig::Sqlite { path: "tessera.db".into() };
    let Ok(url) = url::Url::parse(text) else {
        r.error("DATABASE_URL", "not a URL", "write postgresql://user:password@host:5432/database");
        return fallback();
    };
    if !matches!(url.scheme(), "postgres" | "postgresql") {
        r.error(
            "DATABASE_URL",
            format!("unsupported scheme {:?}", url.scheme()),
            "write postgresql://user:password@host:5432/database, or unset it for the embedded SQLite database",
        );
        return fallback();
    }
    let mut params = BTreeMap::new();
    for (key, value) in url.query_pairs() {
        params.insert(key.into_owned(), value.into_owned());
    }
    DatabaseConfig::Postgres(PostgresConfig {
        host: url.host_str().unwrap_or("localhost").to_string(),
        port: url.port().unwrap_or(5432),
        user: percent_decode(url.username()),
        password: Secret::new(percent_decode(url.password().unwrap_or(""))),
        database: percent_decode(url.path().trim_start_matches('/')),
        params,
        max_connections: pool_size(r),
    })
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}
