//! Command-line interface.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "tessera", version, about = "A secure, OpenMetadata-compatible metadata catalog server")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Args)]
pub struct MigrateDbArgs {
    /// The SQLite database to copy (read, never changed) [default: tessera.db in TESSERA_DATA_DIR]
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArg,
}

#[derive(Debug, clap::Args)]
pub struct ConfigArg {
    /// An openmetadata.yaml-style file; its ${VAR:-default} placeholders read the environment.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Try Tessera on this machine: SQLite and a built-in identity provider with demo users
    /// (development only, loopback only).
    Demo(DemoArgs),
    /// Run the server (API on SERVER_PORT, admin on SERVER_ADMIN_PORT), migrating the database first.
    Serve(ConfigArg),
    /// Check an env file (as docker compose reads it) before deploying it. Exit 0 clean, 1 warnings, 2 errors.
    CheckEnv {
        /// The env file, e.g. ~/openmetadata_auth0.env
        file: PathBuf,
    },
    /// Inspect the configuration.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Bring the database schema up to date, then exit.
    Migrate(ConfigArg),
    /// Rebuild this replica's search index (TESSERA_DATA_DIR/search-index) from the database.
    /// Stop the server on this data directory first; a server rebuilds a missing index by itself.
    Reindex(ConfigArg),
    /// Copy the SQLite database (a consistent snapshot, while the server runs) and the signing
    /// key files into a new directory. Restore: stop Tessera, copy them into TESSERA_DATA_DIR.
    Backup {
        /// A directory that does not exist yet.
        destination: PathBuf,
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Copy a SQLite Tessera database into the empty PostgreSQL database this configuration points
    /// to (DATABASE_URL or DB_*), then say how to start on it. Stop Tessera first.
    MigrateDb(MigrateDbArgs),
    /// Replace the generated signing key (stop Tessera first; takes effect at the next start). The old
    /// key stays published and trusted until `tessera retire-key`.
    RotateKey(ConfigArg),
    /// Stop trusting the signing key a rotation replaced (its tokens fail from the next start on).
    RetireKey(ConfigArg),
    /// Print the key that seals secrets at rest (for FERNET_KEY before rotating configured key files).
    SecretsKey(ConfigArg),
    /// Print a token for scripting, e.g. `tessera token bot ingestion-bot` for an ingestion setup.
    Token {
        #[command(subcommand)]
        kind: TokenKind,
    },
    /// Print Tessera's version and the OpenMetadata version it is compatible with.
    Version,
    /// Ask the running server's admin port (SERVER_ADMIN_PORT) whether it is healthy: exit 0 healthy,
    /// 2 otherwise. For container health checks (the image has no curl).
    Healthcheck(ConfigArg),
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Every setting's effective value and where it came from (env, file, default); secrets redacted.
    Show(ConfigArg),
}

#[derive(Debug, Subcommand)]
pub enum TokenKind {
    /// The current token of a bot (read from the database this configuration points to).
    Bot {
        /// The bot's name, e.g. ingestion-bot
        name: String,
        #[command(flatten)]
        config: ConfigArg,
    },
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Where the demo keeps its SQLite database and signing key (delete it to start over).
    #[arg(long, value_name = "DIR", default_value = "./demo-data")]
    pub data_dir: PathBuf,
    /// Tessera's API and web UI port.
    #[arg(long, default_value_t = 8585)]
    pub port: u16,
    /// Tessera's admin port (health, metrics).
    #[arg(long, default_value_t = 8586)]
    pub admin_port: u16,
    /// The demo identity provider's port (0 picks a free one).
    #[arg(long, default_value_t = tessera_demo_idp::DEFAULT_PORT)]
    pub idp_port: u16,
    /// Sign in through Tessera's server-side flow (`AUTHENTICATION_CLIENT_TYPE=confidential`)
    /// instead of the browser's (public client, authorization code with PKCE).
    #[arg(long)]
    pub confidential: bool,
}
