//! What every handler may read, built once at start. The catalog is private here: handlers
//! reach it only through a [`Permit`], which only the access layer and a [`crate::route_access::Gate`]
//! make.

use crate::entities;
use crate::observe;
use crate::route_access::{Enforcement, Permit};
use axum::body::Bytes;
use std::sync::Arc;
use tessera_auth::{Accounts, SigningKeys, Verifier};
use tessera_config::Config;
use tessera_store::Store;

/// What every handler may read. One `Arc`: axum clones the state for every extractor and layer of
/// every request, and one atomic increment is cheaper than one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`].
pub struct Shared {
    pub config: Arc<Config>,
    pub store: Store,
    pub keys: Arc<SigningKeys>,
    pub verifier: Arc<Verifier>,
    pub accounts: Arc<Accounts>,
    /// `/api/v1/system/config/jwks`, serialised once.
    pub jwks_json: Bytes,
    /// Base of `href`s in entity JSON (`OIDC_SERVER_URL`).
    pub base_url: Arc<str>,
    /// Rendered JSON of signed-in users (`loggedInUser`).
    pub rendered_users: Arc<entities::RenderedUsers>,
    /// Policies, roles, teams and memberships: the authorizer's state.
    pub access: Arc<tessera_authz::access::Access>,
    /// The confidential client's sign-in flow.
    pub signin: tessera_auth::signin::SignIn,
    /// Data assets: services, databases, schemas, tables; see [`AppState::catalog_for`].
    catalog: tessera_catalog::Catalog,
    /// Whether the authorizer decides, chosen once from the configuration.
    pub enforcement: Enforcement,
    /// Set once shutdown begins: `/ready` answers 503 from then on (see `admin.rs`).
    pub draining: std::sync::atomic::AtomicBool,
}

impl AppState {
    /// Builds the shared state; call [`AppState::start_background`] inside the runtime.
    pub fn new(config: Config, store: Store, keys: SigningKeys) -> Self {
        observe::metrics_handle(); // install the recorder before the first request is counted
        let config_for_enforcement = config.authorizer.clone();
        let config = Arc::new(config);
        let keys = Arc::new(keys);
        let jwks_json = Bytes::from(serde_json::to_vec(&keys.jwks()).expect("a JWKS always serialises"));
        let revocation = Arc::new(tessera_auth::RevocationState::default());
        let verifier = Arc::new(Verifier::new(config.clone(), &keys, revocation.clone()));
        let accounts = Arc::new(Accounts::new(store.clone(), keys.clone(), config.clone(), revocation));
        let base_url: Arc<str> = config.oidc.server_url.trim_end_matches('/').into();
        let rendered_users = Arc::default();
        let access = Arc::new(tessera_authz::access::Access::new(store.clone()));
        let signin = tessera_auth::signin::SignIn::new(config.clone(), store.clone(), verifier.clone(), keys.clone());
        let fernet_key = config.fernet_key.as_ref().map(|k| k.expose());
        let catalog = tessera_catalog::Catalog::new(store.clone(), tessera_auth::secret_box(fernet_key, &keys));
        Self(Arc::new(Shared {
            config,
            store,
            keys,
            verifier,
            accounts,
            jwks_json,
            base_url,
            rendered_users,
            access,
            signin,
            catalog,
            enforcement: Enforcement::of(&config_for_enforcement),
            draining: Default::default(),
        }))
    }

    /// The catalog, for a caller the authorizer has allowed something on it.
    pub(crate) fn catalog_for(&self, _permit: &Permit) -> &tessera_catalog::Catalog {
        &self.catalog
    }

    /// Shutdown has begun: report not ready, keep serving.
    pub fn set_draining(&self) {
        self.draining.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Bootstraps accounts, then follows the change feed and refreshes provider keys in the
    /// background. Returns the background tasks (abort them on shutdown).
    pub async fn start(&self) -> Result<Vec<tokio::task::JoinHandle<()>>, tessera_auth::AccountError> {
        self.accounts.bootstrap().await?;
        self.access.seed().await?;
        let providers = self.verifier.providers().clone();
        let first_fetch = tokio::spawn(async move { providers.refresh_all().await });
        let period = std::time::Duration::from_secs(self.config.tokens.jwks_refresh_seconds);
        Ok(vec![
            first_fetch,
            self.verifier.providers().spawn_background_refresh(period),
            self.accounts.clone().follow_changes(),
            self.access.clone().follow(self.accounts.reloads()),
        ])
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
