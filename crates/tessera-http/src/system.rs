//! `/api/v1/system/...`: version and the public configuration the web UI and clients read.

use crate::AppState;
use crate::route::Access::Public;
use crate::route::{Route, get};
use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use serde_json::{Value, json};
use tessera_config::Config;

/// The OpenMetadata version Tessera is compatible with. The official 1.7 client requires the same
/// major and minor version and parses `\d+.\d+.\d+` from the start of this string.
pub const COMPATIBLE_OPENMETADATA_VERSION: &str = "1.7.7";

pub fn routes() -> Vec<Route> {
    vec![
        get("/api/v1/system/version", Public, version),
        get("/api/v1/system/config/auth", Public, auth_config),
        get("/api/v1/system/config/authorizer", Public, authorizer_config),
        get("/api/v1/system/config/jwks", Public, jwks),
    ]
}

async fn version() -> Json<Value> {
    Json(json!({
        "version": COMPATIBLE_OPENMETADATA_VERSION,
        "revision": concat!("tessera-", env!("CARGO_PKG_VERSION")),
        "tesseraVersion": env!("CARGO_PKG_VERSION"),
    }))
}

async fn auth_config(State(state): State<AppState>) -> Json<Value> {
    Json(public_auth_config(&state.config))
}

/// The authentication settings the UI needs, never the secrets nor the key URLs (compat §4.1).
pub fn public_auth_config(config: &Config) -> Value {
    let a = &config.authentication;
    json!({
        "clientType": a.client_type.as_str(),
        "provider": a.provider,
        "responseType": a.response_type,
        "providerName": a.provider_name,
        "publicKeyUrls": [],
        "tokenValidationAlgorithm": a.token_validation_algorithm,
        "authority": a.authority,
        "clientId": a.client_id,
        "callbackUrl": a.callback_url,
        "jwtPrincipalClaims": a.jwt_principal_claims,
        "jwtPrincipalClaimsMapping": a.jwt_principal_claims_mapping_raw,
        "enableSelfSignup": a.enable_self_signup,
    })
}

async fn authorizer_config(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "principalDomain": state.config.authorizer.principal_domain }))
}

async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    // Serialised once at start; the key only changes with a restart.
    ([(CONTENT_TYPE, "application/json"), (CACHE_CONTROL, "public, max-age=300")], state.jwks_json.clone())
}
