//! One function per subcommand.

use crate::cli::{Command, ConfigAction, ConfigArg, TokenKind};
use anyhow::{Context, bail};
use std::process::ExitCode;
use tessera_config::{Config, Sources, lint, problem};

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Demo(args) => crate::demo::run(&args),
        Command::Serve(arg) => crate::serve::run(load_config(&arg)?, None),
        Command::CheckEnv { file } => check_env(&file),
        Command::Config { action: ConfigAction::Show(arg) } => {
            print!("{}", tessera_config::show::effective(&sources(&arg)?));
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate(arg) => migrate(load_config(&arg)?),
        Command::Reindex(arg) => crate::reindex::run(load_config(&arg)?),
        Command::Backup { destination, config } => crate::backup::run(load_config(&config)?, &destination),
        Command::MigrateDb(args) => crate::migrate_db::run(&args),
        Command::RotateKey(arg) => crate::key_rotation::rotate(load_config(&arg)?),
        Command::RetireKey(arg) => crate::key_rotation::retire(load_config(&arg)?),
        Command::SecretsKey(arg) => crate::key_rotation::print_secrets_key(load_config(&arg)?),
        Command::Token { kind: TokenKind::Bot { name, config } } => bot_token(load_config(&config)?, &name),
        Command::Healthcheck(arg) => crate::healthcheck::run(&quiet_config(&arg)?),
        Command::Version => {
            println!(
                "tessera {} (OpenMetadata {} compatible)",
                env!("CARGO_PKG_VERSION"),
                tessera_http::system::COMPATIBLE_OPENMETADATA_VERSION
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn sources(arg: &ConfigArg) -> anyhow::Result<Sources> {
    let sources = Sources::from_env();
    match &arg.config {
        Some(path) => sources.with_file(path).map_err(anyhow::Error::msg),
        None => Ok(sources),
    }
}

/// Loads and validates; prints warnings; on any error prints them all and fails.
pub fn load_config(arg: &ConfigArg) -> anyhow::Result<Config> {
    validated(&sources(arg)?)
}

/// As `load_config`, without printing warnings: for a command run every few seconds.
fn quiet_config(arg: &ConfigArg) -> anyhow::Result<Config> {
    let mut loaded = tessera_config::load(&sources(arg)?);
    match loaded.config.take() {
        Some(config) => Ok(config),
        None => bail!("the configuration has problems\n{}", problem::render_all(&loaded.problems)),
    }
}

pub fn validated(sources: &Sources) -> anyhow::Result<Config> {
    let mut loaded = tessera_config::load(sources);
    match loaded.config.take() {
        Some(config) => {
            loaded.warnings().for_each(|warning| eprintln!("{warning}"));
            Ok(config)
        }
        None => bail!(
            "the configuration has problems; nothing was started or written\n{}",
            problem::render_all(&loaded.problems)
        ),
    }
}

fn check_env(file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let report = lint::lint(&text);
    print!("{}", report.render(&file.display().to_string()));
    Ok(ExitCode::from(report.exit_code() as u8))
}

fn migrate(config: Config) -> anyhow::Result<ExitCode> {
    crate::logging::init(&config.log);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    crate::serve::create_data_dir(&config.data_dir)?;
    runtime.block_on(async {
        let store = tessera_store::Store::connect(&config.database).await?;
        let report = tessera_catalog::migrate(&store).await?;
        println!(
            "{}: schema version {} -> {} ({} migration(s) applied)",
            store.target(),
            report.from_version,
            report.to_version,
            report.applied()
        );
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// Prints a bot's current token on stdout (nothing else), for `$(tessera token bot ingestion-bot)`.
fn bot_token(config: Config, name: &str) -> anyhow::Result<ExitCode> {
    crate::logging::init(&config.log);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let store = tessera_store::Store::connect(&config.database).await?;
        store.check_schema_not_newer().await?;
        if store.schema_version().await? < tessera_store::LATEST_SCHEMA_VERSION {
            anyhow::bail!("the database has not been set up yet; start `tessera serve` (or run `tessera migrate`) first");
        }
        let keys = tessera_auth::SigningKeys::load_or_generate(&config.jwt, &config.data_dir)?;
        let revocation = std::sync::Arc::new(tessera_auth::RevocationState::default());
        let accounts = tessera_auth::Accounts::new(store.clone(), keys.into(), config.into(), revocation);
        let token = accounts.bot_token_by_name(name).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        store.close().await;
        match token {
            Some(mechanism) => {
                println!("{}", mechanism.token);
                Ok(ExitCode::SUCCESS)
            }
            None => anyhow::bail!("{name} has no token (it was revoked); generate one in Settings → Bots or with PUT /api/v1/users/generateToken/<id>"),
        }
    })
}
