//! `tessera serve`: open the database, migrate, load the signing keys, serve both ports.

use crate::shutdown::Shutdown;
use anyhow::Context;
use std::net::SocketAddr;
use std::process::ExitCode;
use tessera_auth::{KeySource, SigningKeys};
use tessera_config::Config;
use tessera_http::connections::{self, ConnectionLimits};
use tessera_http::{admin_router, api_router};
use tessera_store::Store;
use tokio::net::TcpListener;

/// A server that runs beside Tessera and stops with it (the demo's identity provider).
pub struct Companion {
    /// Printed on stdout once both of Tessera's ports are bound and its state is loaded.
    pub banner: String,
    pub serve: Box<dyn FnOnce(Shutdown) -> BoxFuture<std::io::Result<()>> + Send>,
}

pub type BoxFuture<T> = std::pin::Pin<Box<dyn Future<Output = T> + Send>>;

pub fn run(config: Config, companion: Option<Companion>) -> anyhow::Result<ExitCode> {
    crate::logging::init(&config.log);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(serve(config, companion))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: Config, companion: Option<Companion>) -> anyhow::Result<()> {
    // Bind first: a port in use fails before anything is written.
    let api_listener = bind(&config.server.host, config.server.port, "SERVER_PORT").await?;
    let admin_listener = bind(&config.server.host, config.server.admin_port, "SERVER_ADMIN_PORT").await?;
    // Configured key files are read before anything is created, so a bad key writes nothing.
    let configured_keys = match config.jwt.key_files {
        Some(_) => Some(SigningKeys::load_or_generate(&config.jwt, &config.data_dir).context("cannot start")?),
        None => None,
    };
    create_data_dir(&config.data_dir)?;
    let store = Store::connect(&config.database).await.context("cannot start")?;
    let report = tessera_catalog::migrate(&store).await.context("cannot start")?;
    let keys = match configured_keys {
        Some(keys) => keys,
        None => SigningKeys::load_or_generate(&config.jwt, &config.data_dir).context("cannot start")?,
    };
    announce(&config, &store, &report, &keys);
    // Secrets an older version stored in clear are sealed with the key secrets are sealed with.
    let secrets = tessera_auth::secret_box(config.fernet_key.as_ref().map(|k| k.expose()), &keys);
    tessera_catalog::seal_stored_secrets(&store, &secrets).await.context("cannot start")?;

    let shutdown = Shutdown::on_signals(std::time::Duration::from_secs(config.server.drain_seconds))?;
    // The companion serves before Tessera starts, so the provider's JWKS is there at the first fetch.
    let (banner, companion) = match companion {
        Some(c) => (Some(c.banner), Some(tokio::spawn((c.serve)(shutdown.clone())))),
        None => (None, None),
    };
    let state = tessera::wire::state(config, store.clone(), keys);
    let mut background = tessera::wire::start(&state).await.context("cannot start")?;
    background.push(crate::memory::spawn_upkeep(state.search_first_pass_over()));
    let draining = state.clone();
    let drain_watch = shutdown.clone();
    tokio::spawn(async move {
        drain_watch.draining().await;
        draining.set_draining();
    });
    if let Some(banner) = banner {
        println!("{banner}");
    }
    let (api_limits, admin_limits) = connection_limits(&state.config.server);
    let api = connections::serve(api_listener, api_router(state.clone()), api_limits, shutdown.clone().wait());
    let admin = connections::serve(admin_listener, admin_router(state), admin_limits, shutdown.wait());
    let (api, admin) = tokio::join!(api, admin);
    background.iter().for_each(|task| task.abort());
    api.context("API server failed")?;
    admin.context("admin server failed")?;
    if let Some(companion) = companion {
        companion.await.context("the companion server panicked")?.context("the companion server failed")?;
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The API port's limits (its cap from the open-file limit, raised first) and the admin port's.
fn connection_limits(server: &tessera_config::ServerConfig) -> (ConnectionLimits, ConnectionLimits) {
    let open_files = crate::open_files::raise_to_hard_limit();
    let (max_connections, warning) = connections::api_connection_cap(server.max_connections, open_files);
    if let Some(warning) = warning {
        tracing::warn!("{warning}");
    }
    let api = ConnectionLimits {
        header_read_timeout: std::time::Duration::from_secs(server.header_read_timeout_seconds),
        idle_timeout: std::time::Duration::from_secs(server.idle_timeout_seconds),
        max_connections,
    };
    tracing::info!(
        max_connections,
        header_read_timeout_seconds = server.header_read_timeout_seconds,
        idle_timeout_seconds = server.idle_timeout_seconds,
        "connection limits"
    );
    (api, ConnectionLimits { max_connections: connections::ADMIN_CONNECTIONS, ..api })
}

/// The data directory holds the signing key and the database: owner-only when Tessera creates it.
pub fn create_data_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.exists() {
        return Ok(());
    }
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).with_context(|| {
        format!(
            "cannot create TESSERA_DATA_DIR={}; create it or point TESSERA_DATA_DIR at a writable folder",
            dir.display()
        )
    })
}

async fn bind(host: &str, port: u16, var: &str) -> anyhow::Result<TcpListener> {
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .with_context(|| format!("SERVER_HOST={host} does not resolve to an address; use 0.0.0.0 or 127.0.0.1"))?
        .collect();
    let mut last_error = None;
    for address in addresses {
        match TcpListener::bind(address).await {
            Ok(listener) => return Ok(listener),
            Err(e) => last_error = Some((address, e)),
        }
    }
    let (address, error) = last_error.context("SERVER_HOST resolved to no address")?;
    let hint = if error.kind() == std::io::ErrorKind::AddrInUse {
        format!("another process is listening there; stop it or set {var} to a free port")
    } else {
        format!("check SERVER_HOST and {var}")
    };
    anyhow::bail!("cannot listen on {address} ({var}): {error}; {hint}")
}

fn announce(config: &Config, store: &Store, report: &tessera_store::MigrationReport, keys: &SigningKeys) {
    let key_source = match keys.source() {
        KeySource::ConfiguredFiles => "RSA_PRIVATE_KEY_FILE_PATH / RSA_PUBLIC_KEY_FILE_PATH".to_string(),
        KeySource::GeneratedNow(path) => format!("generated now, kept in {}", path.display()),
        KeySource::KeptFromEarlierStart(path) => format!("generated earlier, kept in {}", path.display()),
        KeySource::Ephemeral => "generated in memory for this process".to_string(),
    };
    tracing::info!(
        database = store.target(),
        schema_from = report.from_version,
        schema_to = report.to_version,
        "database ready"
    );
    tracing::info!(kid = keys.key_id(), source = %key_source, "signing key loaded");
    if let Some(previous) = keys.previous_key_id() {
        tracing::info!(kid = previous, "previous signing key still trusted and published until it is retired");
    }
    tracing::info!(
        api = %format!("{}:{}", config.server.host, config.server.port),
        admin = %format!("{}:{}", config.server.host, config.server.admin_port),
        version = env!("CARGO_PKG_VERSION"),
        "Tessera is serving"
    );
}
