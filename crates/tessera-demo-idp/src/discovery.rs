//! `/.well-known/openid-configuration` and `/.well-known/jwks.json`.

use crate::state::State;
use axum::Json;
use axum::extract::State as Extract;
use serde_json::{Value, json};
use std::sync::Arc;

pub async fn configuration(Extract(state): Extract<Arc<State>>) -> Json<Value> {
    let issuer = &state.issuer;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}authorize"),
        "token_endpoint": format!("{issuer}oauth/token"),
        "userinfo_endpoint": format!("{issuer}userinfo"),
        "jwks_uri": format!("{issuer}.well-known/jwks.json"),
        "end_session_endpoint": format!("{issuer}v2/logout"),
        "revocation_endpoint": format!("{issuer}oauth/revoke"),
        "response_types_supported": ["code", "id_token"],
        "response_modes_supported": ["query", "fragment"],
        "grant_types_supported": ["authorization_code", "refresh_token", "implicit"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_post", "client_secret_basic"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": [
            "aud", "azp", "email", "email_verified", "exp", "iat", "iss", "name", "nickname", "nonce", "sub", "at_hash"
        ],
        "request_uri_parameter_supported": false,
    }))
}

pub async fn jwks(Extract(state): Extract<Arc<State>>) -> Json<tessera_auth::Jwks> {
    Json(state.keys.jwks())
}
