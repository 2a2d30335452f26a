//! `/api/v1/services/databaseServices`, `/databases`, `/databaseSchemas`, `/tables`: thin handlers
//! over [`tessera_catalog::Catalog`]. Access is declared per route in `route_access::ROUTES`.

use crate::AppState;
use crate::authn::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, PathParams};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{MethodRouter, get, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use tessera_auth::Principal;
use tessera_catalog::{Entity, Fields, Include, Kind, ListQuery, Outcome, Write};

pub fn routes() -> Router<AppState> {
    use Kind::*;
    Router::new()
        .route("/api/v1/services/databaseServices", collection(DatabaseService))
        .route("/api/v1/services/databaseServices/{id}", item(DatabaseService))
        .route("/api/v1/services/databaseServices/name/{fqn}", named(DatabaseService))
        .route("/api/v1/services/databaseServices/{id}/versions", versions(DatabaseService))
        .route("/api/v1/services/databaseServices/{id}/versions/{version}", version(DatabaseService))
        .route("/api/v1/services/databaseServices/restore", restore(DatabaseService))
        .route("/api/v1/databases", collection(Database))
        .route("/api/v1/databases/{id}", item(Database))
        .route("/api/v1/databases/name/{fqn}", named(Database))
        .route("/api/v1/databases/{id}/versions", versions(Database))
        .route("/api/v1/databases/{id}/versions/{version}", version(Database))
        .route("/api/v1/databases/restore", restore(Database))
        .route("/api/v1/databaseSchemas", collection(DatabaseSchema))
        .route("/api/v1/databaseSchemas/{id}", item(DatabaseSchema))
        .route("/api/v1/databaseSchemas/name/{fqn}", named(DatabaseSchema))
        .route("/api/v1/databaseSchemas/{id}/versions", versions(DatabaseSchema))
        .route("/api/v1/databaseSchemas/{id}/versions/{version}", version(DatabaseSchema))
        .route("/api/v1/databaseSchemas/restore", restore(DatabaseSchema))
        .route("/api/v1/tables", collection(Table))
        .route("/api/v1/tables/{id}", item(Table))
        .route("/api/v1/tables/name/{fqn}", named(Table))
        .route("/api/v1/tables/{id}/versions", versions(Table))
        .route("/api/v1/tables/{id}/versions/{version}", version(Table))
        .route("/api/v1/tables/restore", restore(Table))
        .route("/api/v1/storedProcedures", collection(StoredProcedure))
        .route("/api/v1/storedProcedures/{id}", item(StoredProcedure))
        .route("/api/v1/storedProcedures/name/{fqn}", named(StoredProcedure))
        .route("/api/v1/storedProcedures/{id}/versions", versions(StoredProcedure))
        .route("/api/v1/storedProcedures/{id}/versions/{version}", version(StoredProcedure))
        .route("/api/v1/storedProcedures/restore", restore(StoredProcedure))
}

fn collection(kind: Kind) -> MethodRouter<AppState> {
    get(move |s, c, p| list(s, c, p, kind))
        .put(move |s, c, b| save(s, c, b, kind, false))
        .post(move |s, c, b| save(s, c, b, kind, true))
}

fn item(kind: Kind) -> MethodRouter<AppState> {
    get(move |s, c, i, p| by_id(s, c, i, p, kind))
        .delete(move |s, c, i, p| delete(s, c, i, p, kind))
        .patch(move |s, c, i, b| patch(s, c, i, b, kind))
}

fn named(kind: Kind) -> MethodRouter<AppState> {
    get(move |s, c, n, p| by_name(s, c, n, p, kind))
}

pub(crate) fn versions(kind: Kind) -> MethodRouter<AppState> {
    get(move |s, c, i| list_versions(s, c, i, kind))
}

pub(crate) fn version(kind: Kind) -> MethodRouter<AppState> {
    get(move |s, c, i| one_version(s, c, i, kind))
}

pub(crate) fn restore(kind: Kind) -> MethodRouter<AppState> {
    put(move |s, c, b| restore_entity(s, c, b, kind))
}

/// The entity as the caller may see it: connection secrets in clear for bots (and with
/// `NoopAuthorizer`), masked for everyone else, as the original's `shouldMaskPasswords`.
fn show(state: &AppState, caller: &Principal, entity: Entity, fields: &Fields) -> Result<Value, ApiError> {
    let clear = caller.is_bot || state.config.authorizer.kind == tessera_config::AuthorizerKind::Noop;
    Ok(state.catalog.render(entity, &state.base_url, fields, clear)?)
}

fn include(params: &Params) -> Result<Include, ApiError> {
    Ok(Include::parse(params.get("include"))?)
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    params: Params,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let fields = Fields::parse(kind, params.get("fields"))?;
    let filters = ["service", "database", "databaseSchema", "pipelineType"]
        .into_iter()
        .filter_map(|f| params.get(f).map(|v| (f.to_string(), v.to_string())))
        .collect();
    let query = ListQuery {
        limit: params.limit()?,
        after: params.get("after").map(str::to_string),
        before: params.get("before").map(str::to_string),
        include: include(&params)?,
        filters,
    };
    let page = state.catalog.list(kind, &query).await?;
    let data = page.items.into_iter().map(|e| show(&state, &caller, e, &fields)).collect::<Result<Vec<_>, _>>()?;
    let mut paging = json!({ "total": page.total });
    if let Some(after) = page.after {
        paging["after"] = json!(after);
    }
    if let Some(before) = page.before {
        paging["before"] = json!(before);
    }
    Ok(Json(json!({ "data": data, "paging": paging })))
}

pub(crate) async fn save(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<Value>,
    kind: Kind,
    create_only: bool,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let write = if create_only {
        Write::CreateOnly
    } else {
        // The route needs Create; changing an existing entity needs EditAll too, as in the original.
        let denied = crate::route_access::operation_allowed(&state, &caller, kind.name(), "EditAll").await;
        Write::CreateOrUpdate { update_denied: denied.err().map(|e| e.message) }
    };
    let (entity, outcome) = state.catalog.put(kind, body, &caller.name, write).await?;
    let status = if outcome == Outcome::Created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(show(&state, &caller, entity, &Fields::All)?)))
}

pub(crate) async fn by_id(
    State(state): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    params: Params,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let fields = Fields::parse(kind, params.get("fields"))?;
    let entity = state.catalog.by_id(kind, &id, include(&params)?).await?;
    Ok(Json(show(&state, &caller, entity, &fields)?))
}

/// The FQN arrives percent-encoded as one path segment (`%2F`, `%22` included) and is decoded
/// only after routing.
pub(crate) async fn by_name(
    State(state): State<AppState>,
    Caller(caller): Caller,
    PathParams(fqn): PathParams<String>,
    params: Params,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let fields = Fields::parse(kind, params.get("fields"))?;
    let entity = state.catalog.by_name(kind, &fqn, include(&params)?).await?;
    Ok(Json(show(&state, &caller, entity, &fields)?))
}

/// The original's `EntityHistory`: each version as a JSON text, newest first.
async fn list_versions(
    State(state): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let versions = state.catalog.versions(kind, &id).await?;
    let texts = versions
        .into_iter()
        .map(|v| show(&state, &caller, v, &Fields::All).map(|v| json!(v.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "entityType": kind.name(), "versions": texts })))
}

async fn one_version(
    State(state): State<AppState>,
    Caller(caller): Caller,
    PathParams((id, version)): PathParams<(String, String)>,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let entity = state.catalog.version(kind, &id, &version).await?;
    Ok(Json(show(&state, &caller, entity, &Fields::All)?))
}

/// RFC 6902 JSON Patch (`application/json-patch+json`, as the client sends it; plain JSON too).
pub(crate) async fn patch(
    State(state): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<Value>,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    // The route needs EditAll; a display name also needs EditDisplayName, which the ingestion
    // bot's policy denies, as in the original.
    if touches(&body, "displayName") {
        crate::route_access::operation_allowed(&state, &caller, kind.name(), "EditDisplayName").await?;
    }
    let (entity, _) = state.catalog.patch(kind, &id, body, &caller.name, &state.base_url).await?;
    Ok(Json(show(&state, &caller, entity, &Fields::All)?))
}

/// Whether an operation's `path` or `from` has `field` as one of its segments.
fn touches(body: &Value, field: &str) -> bool {
    let pointers = body.as_array().into_iter().flatten().flat_map(|op| ["path", "from"].map(|k| op.get(k)));
    pointers.flatten().filter_map(Value::as_str).any(|p| p.split('/').any(|segment| segment == field))
}

pub(crate) async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    params: Params,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let (hard, recursive) = (params.flag("hardDelete")?, params.flag("recursive")?);
    let entity = state.catalog.delete(kind, &id, hard, recursive, &caller.name).await?;
    Ok(Json(show(&state, &caller, entity, &Fields::All)?))
}

#[derive(Deserialize)]
struct RestoreEntity {
    id: String,
}

async fn restore_entity(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<RestoreEntity>,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let entity = state.catalog.restore(kind, &body.id, &caller.name).await?;
    Ok(Json(show(&state, &caller, entity, &Fields::All)?))
}
