//! Password sign-in's endpoints (`AUTHENTICATION_PROVIDER=basic`), thin over
//! [`tessera_auth::Accounts`]: login, sign-up, refresh, logout, change of password, and the
//! login limits. With any other provider they answer 403 `authenticator_operation_not_supported`.

use crate::AppState;
use crate::authn::Caller;
use crate::entities;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::route::Access::{Public, SignedIn};
use crate::route::{Route, get, post, put};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use tessera_auth::TokenHash;
use tessera_auth::accounts::{ChangePassword, JwtResponse, LoginRequest, Registration};

pub fn routes() -> Vec<Route> {
    vec![
        post("/api/v1/users/login", Public, login),
        post("/api/v1/users/signup", Public, signup),
        post("/api/v1/users/refresh", Public, refresh),
        post("/api/v1/users/logout", SignedIn, logout),
        put("/api/v1/users/changePassword", SignedIn, change_password),
        get("/api/v1/system/config/loginConfig", SignedIn, login_config),
    ]
}

async fn login(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<LoginRequest>,
) -> Result<Json<JwtResponse>, ApiError> {
    let outcome = state.accounts.login(body).await?;
    if let Some(directory) = &outcome.directory_roles {
        let current = state.access.snapshot().memberships.get(&outcome.user_id).map(|(roles, _)| roles.clone());
        let roles = directory.roles_after(&current.unwrap_or_default());
        crate::route_access::replace_roles(&state, &outcome.user_id, &roles, "the LDAP directory's groups").await?;
    }
    Ok(Json(outcome.tokens))
}

async fn signup(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<Registration>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let user = state.accounts.signup(body).await?;
    Ok((StatusCode::CREATED, Json(entities::user(&state, &user))))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RefreshRequest {
    refresh_token: String,
}

async fn refresh(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<RefreshRequest>,
) -> Result<Json<JwtResponse>, ApiError> {
    Ok(Json(state.accounts.refresh_login(&body.refresh_token).await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LogoutRequest {
    token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // accepted for the original's shape; the caller is the token's user
    username: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    logout_time: Option<Value>,
}

/// Signs out the token the request is signed with (and only that one: signing out someone else's
/// token, or filling the table with made-up ones, is refused).
async fn logout(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    JsonBody(body): JsonBody<LogoutRequest>,
) -> Result<String, ApiError> {
    let Some(own) = crate::authn::bearer_of(&headers) else {
        return Err(ApiError::bad_request("no_token", "Sign out needs the request to carry the token it signs out"));
    };
    // Verified a moment ago by the authentication layer: a cache hit, for its expiry.
    let verified = state.verifier.verify(own).await?;
    if TokenHash::of(body.token.trim()) != verified.hash {
        return Err(ApiError::bad_request(
            "token_not_callers",
            "The token to sign out must be the one this request is signed with (its Authorization header)",
        ));
    }
    state.accounts.logout(&caller, body.token.trim(), verified.expires_at, body.refresh_token.as_deref()).await?;
    Ok("Logout Successful".to_string())
}

async fn change_password(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<ChangePassword>,
) -> Result<String, ApiError> {
    state.accounts.change_password(&caller, body).await?;
    Ok("Password Updated Successfully".to_string())
}

async fn login_config(State(state): State<AppState>, Caller(_): Caller) -> Json<Value> {
    let login = state.config.login;
    Json(json!({
        "maxLoginFailAttempts": login.max_failed_attempts,
        "accessBlockTime": login.block_seconds,
        "jwtTokenExpiryTime": login.token_seconds,
    }))
}
