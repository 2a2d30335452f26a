//! `/api/v1/permissions`: the caller's own permissions per resource type (admins may ask about
//! another user with `?user=`), so the web UI can show only what one may do.

use crate::AppState;
use crate::authn::Caller;
use crate::error::ApiError;
use crate::extract::Params;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use tessera_authz::permissions::{RESOURCES, permissions};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/permissions", get(all)).route("/api/v1/permissions/{resource}", get(one))
}

async fn subject(
    state: &AppState,
    caller: &tessera_auth::Principal,
    params: &Params,
) -> Result<std::sync::Arc<tessera_authz::Subject>, ApiError> {
    let user = match params.get("user") {
        Some(name) if name != caller.name => {
            state.accounts.require_admin(caller).await?;
            state.accounts.user_by_name(name).await?
        }
        _ => state.accounts.require_user_of(caller).await?.as_ref().clone(),
    };
    Ok(state.access.subject(&user))
}

async fn all(State(state): State<AppState>, Caller(caller): Caller, params: Params) -> Result<Json<Value>, ApiError> {
    let subject = subject(&state, &caller, &params).await?;
    let data: Vec<Value> =
        RESOURCES.iter().map(|r| json!({"resource": r, "permissions": permissions(&subject, r)})).collect();
    let total = data.len();
    Ok(Json(json!({"data": data, "paging": {"total": total}})))
}

async fn one(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(resource): Path<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let Some(resource) = RESOURCES.iter().find(|r| r.eq_ignore_ascii_case(&resource)) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("Resource {resource} not found; known: {}", RESOURCES.join(", ")),
        ));
    };
    let subject = subject(&state, &caller, &params).await?;
    Ok(Json(json!({"resource": resource, "permissions": permissions(&subject, resource)})))
}
