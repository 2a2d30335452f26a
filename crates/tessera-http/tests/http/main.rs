//! The routers without sockets (`Router::oneshot`), on a real SQLite database in a temp dir.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use std::collections::BTreeMap;
use tessera_auth::SigningKeys;
use tessera_config::{Sources, load};
use tessera_http::{AppState, admin_router, api_router};
use tessera_store::Store;
use tower::ServiceExt;

mod access_control;
mod accounts;
mod catalog;
mod classifications;
mod connection_tokens;
mod contract;
mod ldap;
mod lineage;
mod owners;
mod passwords;
mod patch;
mod pipelines;
mod queries;
mod query_costs;
mod route_access;
mod search;
mod search_index;
mod search_query;
mod secrets;
mod table_joins;
mod tag_labels;
mod teams;
mod test_connections;
mod ui;
mod usage;
mod user_patch;

pub struct Server {
    pub api: Router,
    pub admin: Router,
    pub state: AppState,
    /// The server's database, for tests that read it raw.
    pub store: Store,
    _dir: tempfile::TempDir,
}

pub async fn server(vars: &[(&str, &str)]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut all: BTreeMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    // A test may name its own (two servers over one data dir); else a fresh one.
    all.entry("TESSERA_DATA_DIR".into()).or_insert_with(|| dir.path().display().to_string());
    let config = load(&Sources::from_vars(all)).config.expect("valid test config");
    let store = Store::connect(&config.database).await.unwrap();
    store.migrate().await.unwrap();
    let keys = SigningKeys::load_or_generate(&config.jwt, &config.data_dir).unwrap();
    let state = tessera::wire::state(config, store.clone(), keys);
    tessera::wire::start(&state).await.unwrap();
    Server { api: api_router(state.clone()), admin: admin_router(state.clone()), state, store, _dir: dir }
}

/// The server on SQLite, then on a fresh PostgreSQL database when the test command provides one
/// (`prefix` names the database).
pub async fn each_store(prefix: &str) -> Vec<Server> {
    let mut all = vec![server(&[]).await];
    if let Some(url) = tessera_store::testing::fresh_postgres_database(prefix).await {
        all.push(server(&[("DATABASE_URL", &url)]).await);
    }
    all
}

pub async fn call(router: &Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = router.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()));
    (parts.status, parts.headers, json)
}

fn get(path: &str) -> Request<Body> {
    tessera_http::request("GET", path)
}

fn with_header(path: &str, value: &str) -> Request<Body> {
    Request::builder().uri(path).header(header::AUTHORIZATION, value).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn version_is_public_and_1_7() {
    let s = server(&[]).await;
    let (status, headers, body) = call(&s.api, with_header("/api/v1/system/version", "Bearer whatever")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["version"].as_str().unwrap().starts_with("1.7."), "{body}");
    assert_eq!(body["tesseraVersion"], env!("CARGO_PKG_VERSION"));
    assert!(headers.contains_key("x-request-id"), "every response carries a request id");
}

#[tokio::test]
async fn auth_config_shape_without_secrets() {
    let s = server(&[
        ("AUTHENTICATION_PROVIDER", "auth0"),
        ("AUTHENTICATION_AUTHORITY", "https://dev-x.us.auth0.com"),
        ("AUTHENTICATION_CLIENT_ID", "client-123"),
        ("AUTHENTICATION_CALLBACK_URL", "http://localhost:8585/callback"),
        ("AUTHENTICATION_CLIENT_TYPE", "confidential"),
        ("OIDC_CLIENT_ID", "client-123"),
        ("OIDC_CLIENT_SECRET", "very-secret-value"),
        ("OIDC_DISCOVERY_URI", "https://dev-x.us.auth0.com/.well-known/openid-configuration"),
    ])
    .await;
    let (status, _, body) = call(&s.api, get("/api/v1/system/config/auth")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        serde_json::json!({
            "clientType": "confidential", "provider": "auth0", "responseType": "code", "providerName": "",
            "publicKeyUrls": [], "tokenValidationAlgorithm": "RS256", "authority": "https://dev-x.us.auth0.com",
            "clientId": "client-123", "callbackUrl": "http://localhost:8585/callback",
            "jwtPrincipalClaims": ["email", "preferred_username", "sub"], "jwtPrincipalClaimsMapping": [],
            "enableSelfSignup": true
        })
    );
    assert!(!body.to_string().contains("very-secret-value"));
    let (_, _, body) = call(&s.api, get("/api/v1/system/config/authorizer")).await;
    assert_eq!(body, serde_json::json!({"principalDomain": "open-metadata.org"}));
}

#[tokio::test]
async fn jwks_publishes_the_signing_key() {
    let s = server(&[("JWT_KEY_ID", "my-kid")]).await;
    let (status, _, body) = call(&s.api, get("/api/v1/system/config/jwks")).await;
    assert_eq!(status, StatusCode::OK);
    let key = &body["keys"][0];
    assert_eq!(
        (key["kid"].as_str(), key["kty"].as_str(), key["alg"].as_str(), key["use"].as_str(), key["e"].as_str()),
        (Some("my-kid"), Some("RSA"), Some("RS256"), Some("sig"), Some("AQAB"))
    );
    // 2048-bit modulus: 256 bytes = 342 base64url characters unpadded.
    assert_eq!(key["n"].as_str().unwrap().len(), 342);
}

#[tokio::test]
async fn every_other_api_path_is_401_never_200() {
    let s = server(&[]).await;
    for path in [
        "/api/v1/users",
        "/api/v1/users/loggedInUser",
        "/api/v1/system/config/loginConfig",
        "/api/v1/system/version/",
        "/api/v1/system/version;x=y",
        "/api/v1/system/config/jwks/../../../users",
        "/api/v1/system/%2e%2e/users",
        "//api/v1/users",
        "/API/v1/users",
        "/api",
    ] {
        let (status, headers, body) = call(&s.api, get(path)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            body,
            serde_json::json!({"code": 401, "message": "Not Authorized! Token not present", "reason": "token_missing"}),
            "{path}"
        );
        assert_eq!(headers.get(header::WWW_AUTHENTICATE).unwrap(), "om-auth");
    }
    for value in ["Bearer", "Bearer ", "Basic abc", "bearer abc"] {
        let (status, _, body) = call(&s.api, with_header("/api/v1/users", value)).await;
        assert_eq!(
            (status, body["message"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("Not Authorized! Token not present")),
            "{value:?}"
        );
    }
    let (status, _, body) = call(&s.api, with_header("/api/v1/users", "Bearer abc.def.ghi")).await;
    assert_eq!((status, body["message"].as_str()), (StatusCode::UNAUTHORIZED, Some("Not Authorized! Invalid token.")));
}

#[tokio::test]
async fn unknown_paths_and_methods_get_json_errors() {
    let s = server(&[]).await;
    let (status, _, body) = call(&s.api, get("/no/such/page")).await;
    assert_eq!((status, body["code"].as_u64()), (StatusCode::NOT_FOUND, Some(404)));
    let (status, _, body) = call(&s.api, tessera_http::request("POST", "/api/v1/system/version")).await;
    assert_eq!((status, body["reason"].as_str()), (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")));
}

#[tokio::test]
async fn admin_port_health_and_metrics() {
    let s = server(&[]).await;
    let (status, _, body) = call(&s.admin, get("/healthcheck")).await;
    assert_eq!((status, body), (StatusCode::OK, serde_json::json!({"database": {"healthy": true}})));
    call(&s.api, get("/api/v1/system/version")).await;
    let (status, _, body) = call(&s.admin, get("/prometheus")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.as_str().unwrap().contains("http_requests_total"), "{body}");
}
