//! What every handler may read. The binary builds the services (`tessera::wire`) and hands them
//! over here. Two of them stay private: the catalog, which handlers reach only through a
//! [`Permit`] (made only by the access layer and a [`crate::route_access::Gate`]), and the store,
//! of which handlers see only the database's health.

use crate::entities;
use crate::observe;
use crate::route_access::{Enforcement, Permit};
use axum::body::Bytes;
use std::sync::Arc;
use tessera_auth::{Accounts, SigningKeys, Verifier};
use tessera_config::Config;
use tessera_store::{Store, StoreError};

/// What every handler may read. One `Arc`: axum clones the state for every extractor and layer of
/// every request, and one atomic increment is cheaper than one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The services the program is made of, built in order by the binary.
pub struct Services {
    pub config: Arc<Config>,
    pub store: Store,
    pub keys: Arc<SigningKeys>,
    pub verifier: Arc<Verifier>,
    pub accounts: Arc<Accounts>,
    /// Policies, roles, teams and memberships: the authorizer's state.
    pub access: Arc<tessera_authz::access::Access>,
    /// The confidential client's sign-in flow.
    pub signin: tessera_auth::signin::SignIn,
    /// The provider origins the web UI may reach (its Content Security Policy).
    pub provider_origins: Arc<tessera_auth::ProviderOrigins>,
    /// Data assets: services, databases, schemas, tables, stored procedures, pipelines.
    pub catalog: tessera_catalog::Catalog,
}

/// The parts of [`AppState`].
pub struct Shared {
    pub config: Arc<Config>,
    /// Only for the database's health (see [`AppState::database_ping`]).
    store: Store,
    pub keys: Arc<SigningKeys>,
    pub verifier: Arc<Verifier>,
    pub accounts: Arc<Accounts>,
    /// `/api/v1/system/config/jwks`, serialised once.
    pub jwks_json: Bytes,
    /// Base of `href`s in entity JSON (`OIDC_SERVER_URL`).
    pub base_url: Arc<str>,
    /// Rendered JSON of signed-in users (`loggedInUser`).
    pub rendered_users: Arc<entities::RenderedUsers>,
    pub access: Arc<tessera_authz::access::Access>,
    pub signin: tessera_auth::signin::SignIn,
    pub provider_origins: Arc<tessera_auth::ProviderOrigins>,
    /// See [`AppState::catalog_for`].
    catalog: tessera_catalog::Catalog,
    /// Whether the authorizer decides, chosen once from the configuration.
    pub enforcement: Enforcement,
    /// Set once shutdown begins: `/ready` answers 503 from then on (see `admin.rs`).
    pub draining: std::sync::atomic::AtomicBool,
}

impl AppState {
    pub fn new(services: Services) -> Self {
        observe::metrics_handle(); // install the recorder before the first request is counted
        let Services { config, store, keys, verifier, accounts, access, signin, provider_origins, catalog } = services;
        let jwks_json = Bytes::from(serde_json::to_vec(&keys.jwks()).expect("a JWKS always serialises"));
        let base_url: Arc<str> = config.oidc.server_url.trim_end_matches('/').into();
        let enforcement = Enforcement::of(&config.authorizer);
        Self(Arc::new(Shared {
            config,
            store,
            keys,
            verifier,
            accounts,
            jwks_json,
            base_url,
            rendered_users: Arc::default(),
            access,
            signin,
            provider_origins,
            catalog,
            enforcement,
            draining: Default::default(),
        }))
    }

    /// The catalog, for a caller the authorizer has allowed something on it.
    pub(crate) fn catalog_for(&self, _permit: &Permit) -> &tessera_catalog::Catalog {
        &self.catalog
    }

    /// Creates the catalog's seeded classifications and tags that are missing (at start).
    pub async fn seed_catalog(&self) -> Result<usize, tessera_catalog::CatalogError> {
        self.catalog.seed_classifications().await
    }

    /// Keeps the search index in step with the database in the background (see
    /// `tessera_catalog::SearchFeed`).
    pub fn follow_search_feed(&self) -> tokio::task::JoinHandle<()> {
        self.catalog.clone().follow_search_feed()
    }

    /// Resolves once the search follower's first catch-up is over: the end of start-up.
    pub fn search_first_pass_over(&self) -> impl Future<Output = ()> + Send + 'static {
        self.catalog.search_feed().first_pass_over()
    }

    /// Whether the database answers (health and readiness).
    pub async fn database_ping(&self) -> Result<(), StoreError> {
        self.store.ping().await
    }

    /// Where the database is, for messages (no password).
    pub fn database_target(&self) -> String {
        self.store.target().to_string()
    }

    /// SQLite's group commit: (commits, writes) so far.
    pub fn group_commit_stats(&self) -> Option<(u64, u64)> {
        self.store.group_commit_stats()
    }

    /// Shutdown has begun: report not ready, keep serving.
    pub fn set_draining(&self) {
        self.draining.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
