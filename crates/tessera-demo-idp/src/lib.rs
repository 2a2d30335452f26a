//! A development-only OpenID provider that behaves like an Auth0 tenant: discovery, JWKS, the
//! authorization-code flow with PKCE (public client) or a client secret (confidential client), the
//! implicit `id_token` flow, refresh tokens, userinfo and Auth0's `/v2/logout`.
//!
//! Anyone can sign in as any demo user, so it only ever listens on a loopback address.

mod authorize;
mod crypto;
mod directory;
mod discovery;
mod id_token;
mod pages;
mod session;
mod state;
mod token;

pub use directory::{CONFIDENTIAL_CLIENT_ID, Client, DemoUser, PUBLIC_CLIENT_ID};

use axum::Router;
use axum::routing::get;
use state::State;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The default port, next to Tessera's 8585 (API) and 8586 (admin).
pub const DEFAULT_PORT: u16 = 8587;

/// How the provider is set up.
#[derive(Debug, Clone)]
pub struct Options {
    /// Must be a loopback address; port 0 picks a free one.
    pub address: SocketAddr,
    /// Lifetime of ID and access tokens.
    pub id_token_ttl: Duration,
    /// The origins Tessera is opened at, e.g. `http://localhost:8585` and `http://127.0.0.1:8585`:
    /// browser calls (CORS), redirect URIs (`/callback`, `/silent-callback`) and logout targets.
    pub tessera_origins: Vec<String>,
    /// The demo users' email domain (Tessera's `AUTHORIZER_PRINCIPAL_DOMAIN`).
    pub principal_domain: String,
}

impl Options {
    pub fn new(port: u16, tessera_port: u16, principal_domain: &str) -> Self {
        Self {
            address: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            id_token_ttl: Duration::from_secs(3600),
            tessera_origins: vec![
                format!("http://localhost:{tessera_port}"),
                format!("http://127.0.0.1:{tessera_port}"),
            ],
            principal_domain: principal_domain.to_string(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error(
        "the demo identity provider only listens on loopback addresses (anyone can sign in as anyone); {0} is not one"
    )]
    NotLoopback(IpAddr),
    #[error("cannot listen on {address} for the demo identity provider: {source}; {hint}")]
    Listen { address: SocketAddr, source: std::io::Error, hint: &'static str },
    #[error("cannot generate the demo identity provider's signing key")]
    Key,
}

/// A bound provider, ready to serve.
pub struct DemoIdp {
    listener: std::net::TcpListener,
    state: Arc<State>,
}

impl DemoIdp {
    /// Binds the port (refusing non-loopback addresses) and generates a signing key in memory.
    pub fn bind(options: Options) -> Result<Self, BindError> {
        if !options.address.ip().is_loopback() {
            return Err(BindError::NotLoopback(options.address.ip()));
        }
        let listen_error = |source: std::io::Error| BindError::Listen {
            address: options.address,
            hint: if source.kind() == std::io::ErrorKind::AddrInUse {
                "another process is listening there; stop it or pass another port with --idp-port"
            } else {
                "pass another port with --idp-port"
            },
            source,
        };
        let listener = std::net::TcpListener::bind(options.address).map_err(listen_error)?;
        listener.set_nonblocking(true).map_err(listen_error)?;
        let port = listener.local_addr().map_err(listen_error)?.port();
        let state = State::new(&options, port)?;
        Ok(Self { listener, state: Arc::new(state) })
    }

    /// `http://127.0.0.1:PORT/`, with the trailing slash Auth0 issuers have.
    pub fn issuer(&self) -> &str {
        &self.state.issuer
    }

    /// The issuer without the trailing slash, as Auth0 env files write `AUTHENTICATION_AUTHORITY`.
    pub fn authority(&self) -> &str {
        self.state.issuer.trim_end_matches('/')
    }

    pub fn port(&self) -> u16 {
        self.state.port
    }

    pub fn users(&self) -> &[DemoUser] {
        &self.state.users
    }

    /// The confidential client's secret, generated at start (hand it to Tessera, never log it).
    pub fn confidential_secret(&self) -> &str {
        self.state.confidential_secret()
    }

    /// Serves until `shutdown` completes. Must run inside a Tokio runtime.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let listener = tokio::net::TcpListener::from_std(self.listener)?;
        tracing::warn!(issuer = %self.state.issuer, "demo identity provider listening (development only)");
        axum::serve(listener, router(self.state)).with_graceful_shutdown(shutdown).await
    }
}

fn router(state: Arc<State>) -> Router {
    // The routes the browser calls with fetch from Tessera's origins.
    let cors = tower_http::cors::CorsLayer::new()
        .allow_origin(state.cors_origins())
        .allow_methods([http::Method::GET, http::Method::POST])
        .allow_headers([http::header::CONTENT_TYPE, http::header::AUTHORIZATION])
        .max_age(Duration::from_secs(600));
    let api = Router::new()
        .route("/.well-known/openid-configuration", get(discovery::configuration))
        .route("/.well-known/jwks.json", get(discovery::jwks))
        .route("/oauth/token", axum::routing::post(token::token))
        .route("/oauth/revoke", axum::routing::post(token::revoke))
        .route("/userinfo", get(session::userinfo))
        .layer(cors);
    Router::new()
        .route("/authorize", get(authorize::show).post(authorize::sign_in))
        .route("/v2/logout", get(session::logout))
        .merge(api)
        .with_state(state)
}
