//! `/api/v1/permissions`: the caller's own permissions per resource type (admins may ask about
//! another user with `?user=`), so the web UI can show only what one may do.

use crate::AppState;
use crate::authn::Caller;
use crate::error::ApiError;
use crate::extract::Params;
use crate::route::Access::SignedIn;
use crate::route::{Route, get};
use crate::route_access::Gate;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use tessera_authz::permissions::{RESOURCES, entity_permissions, permissions};

/// The caller's own permissions (another user's: admins, checked by the handler's subject).
pub fn routes() -> Vec<Route> {
    vec![
        get("/api/v1/permissions", SignedIn, all),
        get("/api/v1/permissions/{resource}", SignedIn, one),
        get("/api/v1/permissions/{resource}/{id}", ENTITY, entity_by_id),
        get("/api/v1/permissions/{resource}/name/{name}", ENTITY, entity_by_name),
    ]
}

/// Signed in; the entity of a catalog kind is read only with `ViewBasic` on its type.
const ENTITY: crate::route::Access =
    crate::route::Access::Decided("signed in; a catalog entity: ViewBasic on its type");

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

async fn entity_by_id(
    State(state): State<AppState>,
    gate: Gate,
    Path((resource, id)): Path<(String, String)>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    entity(&state, &gate, &resource, Key::Id(&id), &params).await
}

async fn entity_by_name(
    State(state): State<AppState>,
    gate: Gate,
    Path((resource, name)): Path<(String, String)>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    entity(&state, &gate, &resource, Key::Name(&name), &params).await
}

enum Key<'a> {
    Id(&'a str),
    Name(&'a str),
}

impl Key<'_> {
    fn matches(&self, id: &str, name: &str) -> bool {
        match self {
            Key::Id(wanted) => *wanted == id,
            Key::Name(wanted) => *wanted == name,
        }
    }

    fn shown(&self) -> &str {
        match self {
            Key::Id(text) | Key::Name(text) => text,
        }
    }
}

/// Permissions on one entity of a kind Tessera serves so far: conditions evaluated against it.
async fn entity(
    state: &AppState,
    gate: &Gate,
    resource: &str,
    key: Key<'_>,
    params: &Params,
) -> Result<Json<Value>, ApiError> {
    let caller = gate.caller.as_ref();
    if let Some(kind) = tessera_catalog::Kind::parse(resource) {
        return catalog_entity(state, gate, kind, key, params).await;
    }
    let key = match key {
        Key::Name(name) => Key::Name(name.trim_matches('"')),
        other => other,
    };
    let not_found = || ApiError::instance_not_found(resource, key.shown());
    let owner = match resource {
        "user" => {
            let user = match key {
                Key::Id(id) => state.accounts.user_by_id(id).await?,
                Key::Name(name) => state.accounts.user_by_name(name).await?,
            };
            Some(user.name)
        }
        "team" | "role" | "policy" => {
            let snapshot = state.access.snapshot();
            let found = snapshot.rows.iter().any(|r| r.kind == resource && !r.deleted && key.matches(&r.id, &r.name));
            if !found {
                return Err(not_found());
            }
            None
        }
        "bot" => {
            let bot = match key {
                Key::Id(id) => state.accounts.any_bot(tessera_auth::accounts::UserKey::Id(id)).await?,
                Key::Name(name) => state.accounts.any_bot(tessera_auth::accounts::UserKey::Name(name)).await?,
            };
            bot.filter(|b| !b.deleted).ok_or_else(not_found)?;
            None
        }
        _ => return Err(not_found()),
    };
    let subject = subject(state, caller, params).await?;
    // Users own themselves; teams, roles, policies and bots have no owner, tags or domain here.
    let owners: Vec<(String, String)> = owner.into_iter().map(|name| ("user".to_string(), name)).collect();
    let facts = tessera_authz::condition::Owned { subject: &subject, owners: &owners, tags: &[] };
    Ok(Json(json!({"resource": resource, "permissions": entity_permissions(&subject, resource, &facts)})))
}

/// Permissions on one data asset (or classification, tag): its owners (users, and teams the
/// subject is in) and tags decide the conditional rules.
async fn catalog_entity(
    state: &AppState,
    gate: &Gate,
    kind: tessera_catalog::Kind,
    key: Key<'_>,
    params: &Params,
) -> Result<Json<Value>, ApiError> {
    let permit = gate.permit(kind.name(), tessera_authz::Operation::ViewBasic).await?;
    let catalog = permit.catalog(state);
    let entity = match key {
        Key::Id(id) => catalog.by_id(kind, id, tessera_catalog::Include::NonDeleted).await?,
        Key::Name(fqn) => catalog.by_name(kind, fqn, tessera_catalog::Include::NonDeleted).await?,
    };
    let subject = subject(state, &gate.caller, params).await?;
    let known = catalog.decision_facts(&entity).await?;
    let owned = tessera_authz::condition::Owned { subject: &subject, owners: &known.owners, tags: &known.tags };
    Ok(Json(json!({"resource": kind.name(), "permissions": entity_permissions(&subject, kind.name(), &owned)})))
}
