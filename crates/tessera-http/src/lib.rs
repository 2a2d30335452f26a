//! Tessera's HTTP side: the API router (port 8585) and the admin router (port 8586), the error
//! contract, and the layers every request passes (request id, log, metrics, authentication).

mod access_control;
pub mod admin;
pub mod authn;
mod body;
mod bots;
mod catalog;
pub mod entities;
pub mod error;
mod extract;
pub mod observe;
mod permissions;
mod pipelines;
pub mod public_paths;
pub mod route_access;
mod search;
mod search_query;
mod signin;
mod signin_page;
pub mod system;
mod test_connections;
pub mod ui;
mod users;

use axum::body::Bytes;
use axum::http::{HeaderName, Request};
use axum::response::IntoResponse;
use axum::{Router, middleware};
use std::sync::Arc;
use tessera_auth::{Accounts, SigningKeys, Verifier};
use tessera_config::Config;
use tessera_store::Store;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

pub use error::ApiError;

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
    /// Data assets: services, databases, schemas, tables.
    pub catalog: tessera_catalog::Catalog,
    /// Set once shutdown begins: `/ready` answers 503 from then on (see `admin.rs`).
    pub draining: std::sync::atomic::AtomicBool,
}

impl AppState {
    /// Builds the shared state; call [`AppState::start_background`] inside the runtime.
    pub fn new(config: Config, store: Store, keys: SigningKeys) -> Self {
        observe::metrics_handle(); // install the recorder before the first request is counted
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
            draining: Default::default(),
        }))
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

/// The API port: `/api/...` behind the authentication layer, a JSON 404 elsewhere.
pub fn api_router(state: AppState) -> Router {
    let router = Router::new()
        .merge(system::routes())
        .merge(users::routes())
        .merge(bots::routes())
        .merge(signin::routes())
        .merge(access_control::routes())
        .merge(permissions::routes())
        .merge(test_connections::routes())
        .merge(search::routes())
        .merge(catalog::routes())
        .merge(pipelines::routes())
        // Inside routing, so it sees the matched route; runs after authentication (outer layer).
        .route_layer(middleware::from_fn_with_state(state.clone(), route_access::authorize))
        // After the access layer: the web UI's pages and files, none under /api, all public.
        .merge(ui::routes())
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                error::messages::METHOD_NOT_ALLOWED,
            )
        })
        // Outermost of the routing: it sees every path, matched or not.
        .layer(middleware::from_fn_with_state(state.clone(), authn::authenticate))
        // Before anyone answers: the connection stays usable whatever the answer.
        .layer(middleware::from_fn(body::read_whole))
        .with_state(state);
    with_common_layers(router)
}

/// `/callback` with a public client: the web UI's page that finishes the browser's sign-in.
pub(crate) fn callback_page(state: &AppState) -> axum::response::Response {
    ui::index_page(state)
}

/// The admin port's router, with the same request ids and logs.
pub fn admin_router(state: AppState) -> Router {
    with_common_layers(admin::router(state))
}

fn with_common_layers(router: Router) -> Router {
    let request_id = HeaderName::from_static(observe::REQUEST_ID_HEADER);
    router
        .layer(middleware::from_fn(observe::log_and_count))
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            tracing::error!("a handler panicked");
            ApiError::internal("(see the preceding log line)").into_response()
        }))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// For tests: a request with the given method and path.
#[doc(hidden)]
pub fn request(method: &str, path: &str) -> Request<axum::body::Body> {
    Request::builder().method(method).uri(path).body(axum::body::Body::empty()).expect("valid request")
}
