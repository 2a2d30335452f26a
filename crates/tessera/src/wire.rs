//! The program, wired in one place and in this order: configuration → store → signing keys →
//! verifier → authorizer → services → routers. Everything else receives what it needs from here.

use std::sync::Arc;
use tessera_auth::{Accounts, RevocationState, SigningKeys, Verifier};
use tessera_config::Config;
use tessera_http::{AppState, Services};
use tessera_store::Store;

/// The services over an open, migrated store and loaded keys.
pub fn state(config: Config, store: Store, keys: SigningKeys) -> AppState {
    let config = Arc::new(config);
    let keys = Arc::new(keys);
    // Tokens: the verifier and the accounts share the revocation state the change feed keeps.
    let revocation = Arc::new(RevocationState::default());
    let verifier = Arc::new(Verifier::new(config.clone(), &keys, revocation.clone()));
    // The authorizer's state: policies, roles, teams, memberships.
    let access = Arc::new(tessera_authz::access::Access::new(store.clone()));
    let accounts = Arc::new(Accounts::new(store.clone(), keys.clone(), config.clone(), revocation));
    accounts.serve_catch_ups();
    let signin = tessera_auth::signin::SignIn::new(config.clone(), store.clone(), verifier.clone(), keys.clone());
    let fernet_key = config.fernet_key.as_ref().map(|k| k.expose());
    let catalog = tessera_catalog::Catalog::new(
        store.clone(),
        tessera_auth::secret_box(fernet_key, &keys),
        search_index(&config.data_dir),
    );
    let provider_origins = Arc::new(tessera_auth::ProviderOrigins::new(&config));
    AppState::new(Services { config, store, keys, verifier, accounts, access, signin, provider_origins, catalog })
}

/// Bootstraps the admin principals and `ingestion-bot`, seeds the policies and the classifications
/// (`PII`, `Tier`, ...), then follows the change
/// feed, refreshes the providers' keys and discovery origins, and keeps the metrics' memory
/// bounded in the background.
/// Returns the background tasks (abort them on shutdown).
pub async fn start(state: &AppState) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
    state.accounts.bootstrap().await?;
    state.access.seed().await?;
    let seeded = state.seed_catalog().await?;
    if seeded > 0 {
        tracing::info!(entities = seeded, "seeded classifications and tags created");
    }
    let providers = state.verifier.providers().clone();
    let first_fetch = tokio::spawn(async move { providers.refresh_all().await });
    let period = std::time::Duration::from_secs(state.config.tokens.jwks_refresh_seconds);
    Ok(vec![
        first_fetch,
        state.verifier.providers().spawn_background_refresh(period),
        state.provider_origins.clone().spawn_refresh(),
        state.accounts.clone().follow_changes(),
        state.access.clone().follow(state.accounts.reloads()),
        tessera_http::observe::spawn_metrics_upkeep(),
        state.follow_search_feed(),
    ])
}

/// Where this replica keeps its search index.
pub fn search_index_dir(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("search-index")
}

/// The search index in the data directory; in memory (rebuilt at every start) when the
/// directory cannot hold one, e.g. another process on this data directory has it open.
fn search_index(data_dir: &std::path::Path) -> tessera_catalog::SearchIndex {
    let directory = search_index_dir(data_dir);
    tessera_catalog::SearchIndex::open(&directory).unwrap_or_else(|error| {
        tracing::warn!(%error, "keeping the search index in memory instead");
        tessera_catalog::SearchIndex::in_memory().expect("an index in memory opens")
    })
}
