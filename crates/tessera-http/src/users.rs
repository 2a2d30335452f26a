//! `/api/v1/users...`: thin handlers over [`tessera_auth::Accounts`], which holds the rules.

use crate::AppState;
use crate::authn::Caller;
use crate::entities;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params};
use crate::route::Access::{self, Admin, Decided, Operation, SignedIn};
use crate::route::{Route, delete, get, patch, post, put};
use crate::route_access::Gate;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use tessera_auth::Expiry;
use tessera_auth::accounts::{CreateUser, UserKey};
use tessera_authz::Operation::ViewBasic;

pub fn routes() -> Vec<Route> {
    const VIEW: Access = Operation("user", ViewBasic);
    vec![
        get("/api/v1/users", VIEW, list),
        // Accounts decides: a user signs themselves up or updates themselves; admins anyone;
        // roles and teams only admins.
        post("/api/v1/users", Decided("self sign-up; anyone else: admins"), create),
        put(
            "/api/v1/users",
            Decided("a user updates themselves; admins anyone; roles and teams: admins"),
            create_or_update,
        ),
        get("/api/v1/users/loggedInUser", SignedIn, logged_in_user),
        get("/api/v1/users/{id}", VIEW, by_id),
        patch(
            "/api/v1/users/{id}",
            Decided("isAdmin, isBot, roles: admins; other fields: their Edit operation, a user owning themselves"),
            patch_user,
        ),
        delete("/api/v1/users/{id}", Admin, remove),
        get("/api/v1/users/name/{name}", VIEW, by_name),
        put("/api/v1/users/generateToken/{id}", Admin, generate_token),
        get("/api/v1/users/token/{id}", Admin, token),
        put("/api/v1/users/revokeToken", Admin, revoke_token),
        get("/api/v1/users/auth-mechanism/{id}", Admin, auth_mechanism),
        get("/api/v1/users/security/token", SignedIn, personal_tokens),
        put("/api/v1/users/security/token", SignedIn, create_personal_token),
        put("/api/v1/users/security/token/revoke", SignedIn, revoke_personal_tokens),
    ]
}

async fn list(State(state): State<AppState>, Caller(_): Caller, params: Params) -> Result<Json<Value>, ApiError> {
    let limit = params.limit()?;
    let after = entities::cursor(params.get("after"))?;
    let bots = match params.get("isBot") {
        None => None,
        Some(_) => Some(params.flag("isBot")?),
    };
    let include_deleted = matches!(params.get("include"), Some("all" | "deleted"));
    let page = state.accounts.list_users(limit, after.as_deref(), bots, include_deleted).await?;
    let full = page.users.len() as i64 == limit;
    let last = page.users.last().map(|u| u.name.clone());
    let data = page.users.iter().map(|u| entities::user(&state, u)).collect();
    Ok(Json(entities::page(data, page.total, last.as_deref(), full)))
}

/// Called by the web UI and clients on every page: answered from memory, JSON rendered once per
/// user version.
async fn logged_in_user(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let user = state.accounts.logged_in_user(&caller).await?;
    let body = state.rendered_users.get_or_render(&user, state.access.epoch(), || {
        let memberships = crate::access_control::memberships(&state, &user);
        serde_json::to_vec(&entities::user_json(&user, &state.base_url, memberships)).expect("a user serialises")
    });
    const JSON: axum::http::HeaderValue = axum::http::HeaderValue::from_static("application/json");
    Ok(([(axum::http::header::CONTENT_TYPE, JSON)], body).into_response())
}

async fn by_id(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    read(&state, UserKey::Id(&id), &params).await
}

async fn by_name(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path(name): Path<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    read(&state, UserKey::Name(name.trim_matches('"')), &params).await
}

/// A user by id or name; soft-deleted ones only with `include=deleted|all`.
async fn read(state: &AppState, key: UserKey<'_>, params: &Params) -> Result<Json<Value>, ApiError> {
    let include = params.include()?;
    let user = state.accounts.any_user(key).await?.filter(|u| include.admits(u.deleted));
    let (UserKey::Id(text) | UserKey::Name(text)) = key;
    let user = user.ok_or_else(|| tessera_auth::accounts::AccountError::user_not_found(text))?;
    Ok(Json(entities::user(state, &user)))
}

async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CreateUser>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let memberships = requested_memberships(&state, &caller, &body).await?;
    let user = state.accounts.create_user(&caller, body).await?;
    apply_memberships(&state, &user, memberships).await?;
    Ok((StatusCode::CREATED, Json(entities::user(&state, &user))))
}

/// Roles and teams in a create or update body: only admins may set them (no one grants themselves
/// a role), and every one must exist — checked before anything is written.
async fn requested_memberships(
    state: &AppState,
    caller: &tessera_auth::Principal,
    body: &CreateUser,
) -> Result<Option<(Vec<String>, Vec<String>)>, ApiError> {
    if body.roles.is_none() && body.teams.is_none() {
        return Ok(None);
    }
    state.accounts.require_admin(caller).await?;
    let roles = body.roles.clone().unwrap_or_default();
    let teams = body.teams.clone().unwrap_or_default();
    Ok(Some(state.access.resolve_memberships(&roles, &teams)?))
}

async fn apply_memberships(
    state: &AppState,
    user: &tessera_store::UserRow,
    memberships: Option<(Vec<String>, Vec<String>)>,
) -> Result<(), ApiError> {
    if let Some((roles, teams)) = memberships {
        state.access.set_membership(&user.id, &roles, &teams).await?;
    }
    Ok(())
}

async fn create_or_update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CreateUser>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let memberships = requested_memberships(&state, &caller, &body).await?;
    let (user, created) = state.accounts.create_or_update_user(&caller, body).await?;
    apply_memberships(&state, &user, memberships).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(entities::user(&state, &user))))
}

async fn patch_user(
    State(state): State<AppState>,
    gate: Gate,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    let target = state.accounts.user_by_id(&id).await?;
    let edit = crate::user_patch::decide(&state, &gate, target.clone(), body).await?;
    if edit.user != target {
        state.accounts.save_patched_user(&edit.user).await?;
    }
    if let Some((roles, teams)) = edit.memberships {
        state.access.set_membership(&edit.user.id, &roles, &teams).await?;
    }
    Ok(Json(entities::user(&state, &edit.user)))
}

async fn remove(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let user = state.accounts.delete_user(&caller, &id, params.flag("hardDelete")?).await?;
    Ok(Json(entities::user(&state, &user)))
}

#[derive(Deserialize)]
struct ExpiryBody {
    #[serde(rename = "JWTTokenExpiry")]
    expiry: Expiry,
}

async fn generate_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ExpiryBody>,
) -> Result<Json<Value>, ApiError> {
    let mechanism = state.accounts.generate_bot_token(&caller, &id, body.expiry).await?;
    Ok(Json(json!(mechanism)))
}

async fn token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let mechanism = state.accounts.bot_token(&caller, &id).await?;
    Ok(Json(mechanism.map(|m| json!(m)).unwrap_or_else(|| json!({}))))
}

async fn auth_mechanism(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let mechanism = state.accounts.bot_token(&caller, &id).await?;
    let config = mechanism.map(|m| json!(m)).unwrap_or_else(|| json!({"JWTToken": ""}));
    Ok(Json(json!({"authType": "JWT", "config": config})))
}

#[derive(Deserialize)]
struct IdBody {
    id: String,
}

async fn revoke_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<IdBody>,
) -> Result<Json<Value>, ApiError> {
    let user = state.accounts.revoke_bot_token(&caller, &body.id).await?;
    Ok(Json(entities::user(&state, &user)))
}

#[derive(Deserialize)]
struct PersonalTokenBody {
    #[serde(rename = "tokenName", default)]
    name: String,
    #[serde(rename = "JWTTokenExpiry")]
    expiry: Expiry,
}

async fn create_personal_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<PersonalTokenBody>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.accounts.create_personal_token(&caller, &body.name, body.expiry).await?)))
}

async fn personal_tokens(
    State(state): State<AppState>,
    Caller(caller): Caller,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let tokens = state.accounts.personal_tokens(&caller, params.get("username")).await?;
    let total = tokens.len() as i64;
    Ok(Json(json!({"data": tokens, "paging": {"total": total}})))
}

#[derive(Deserialize, Default)]
struct RevokeBody {
    #[serde(rename = "tokenIds", default)]
    ids: Vec<String>,
}

async fn revoke_personal_tokens(
    State(state): State<AppState>,
    Caller(caller): Caller,
    params: Params,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    // The body is optional (`removeAll=true` needs none).
    let ids = if body.iter().all(u8::is_ascii_whitespace) {
        Vec::new()
    } else {
        serde_json::from_slice::<RevokeBody>(&body)
            .map_err(|e| {
                ApiError::bad_request(
                    "invalid_body",
                    format!("The request body is not valid: {e}; send {{\"tokenIds\": [\"<id>\"]}}"),
                )
            })?
            .ids
    };
    let left =
        state.accounts.revoke_personal_tokens(&caller, params.get("username"), &ids, params.flag("removeAll")?).await?;
    let total = left.len() as i64;
    Ok(Json(json!({"data": left, "paging": {"total": total}})))
}
