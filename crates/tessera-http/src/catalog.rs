//! `/api/v1/services/databaseServices`, `/databases`, `/databaseSchemas`, `/tables`: thin handlers
//! over [`tessera_catalog::Catalog`], each route declared with its access.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, PathParams};
use crate::route::Access::{self, Decided, Operation};
use crate::route::{Route, delete, get, patch, post, put};
use crate::route_access::{Gate, Permit};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use tessera_authz::Operation::{Create, Delete, EditAll, ViewAll, ViewBasic};
use tessera_catalog::{Entity, Fields, Kind, ListQuery, Outcome, Write};

pub fn routes() -> Vec<Route> {
    use Kind::*;
    [DatabaseService, Database, DatabaseSchema, Table, StoredProcedure, Classification, Tag, Query]
        .into_iter()
        .flat_map(kind_routes)
        .collect()
}

/// The routes every catalog kind has (ingestion pipelines wrap some: `pipelines.rs`).
fn kind_routes(kind: Kind) -> Vec<Route> {
    let base = format!("/api/v1/{}", kind.collection());
    let on = |operation| Operation(kind.name(), operation);
    vec![
        get(&base, on(ViewBasic), move |s, p, g, q| list(s, p, g, q, kind)),
        // PUT is create-or-update: Create on the type, as the ingestion bot holds it; changing an
        // existing entity needs EditAll too (asked in `save`).
        put(&base, on(Create), move |s, p, g, b| save(s, p, g, b, kind, false)),
        post(&base, on(Create), move |s, p, g, b| save(s, p, g, b, kind, true)),
        get(format!("{base}/{{id}}"), on(ViewBasic), move |s, p, g, i, q| by_id(s, p, g, i, q, kind)),
        delete(format!("{base}/{{id}}"), on(Delete), move |s, p, g, i, q| remove(s, p, g, i, q, kind)),
        patch(format!("{base}/{{id}}"), PATCH_ACCESS, move |s, g, i, b| patch_entity(s, g, i, b, kind)),
        get(format!("{base}/name/{{fqn}}"), on(ViewBasic), move |s, p, g, n, q| by_name(s, p, g, n, q, kind)),
        patch(format!("{base}/name/{{fqn}}"), PATCH_ACCESS, move |s, g, n, b| patch_by_name(s, g, n, b, kind)),
        versions(kind),
        version(kind),
        restore(kind),
    ]
}

/// A patch's operations are those of the fields it changes (`patch_entity`).
pub(crate) const PATCH_ACCESS: Access = Decided("the Edit operation of each field the patch changes, else EditAll");

pub(crate) fn versions(kind: Kind) -> Route {
    let path = format!("/api/v1/{}/{{id}}/versions", kind.collection());
    get(path, Operation(kind.name(), ViewBasic), move |s, p, g, i| list_versions(s, p, g, i, kind))
}

pub(crate) fn version(kind: Kind) -> Route {
    let path = format!("/api/v1/{}/{{id}}/versions/{{version}}", kind.collection());
    get(path, Operation(kind.name(), ViewBasic), move |s, p, g, i| one_version(s, p, g, i, kind))
}

pub(crate) fn restore(kind: Kind) -> Route {
    let path = format!("/api/v1/{}/restore", kind.collection());
    put(path, Operation(kind.name(), EditAll), move |s, p, g, b| restore_entity(s, p, g, b, kind))
}

/// What one caller may see of a kind's entities, the same on every read path (list, by id, by
/// name, versions, one version, and a write's answer): secrets in clear only for bots (and with
/// `NoopAuthorizer`), as the original's `shouldMaskPasswords`; the fields that need `ViewAll`
/// (a pipeline's source configuration) only with it.
pub(crate) struct Sight {
    permit: Permit,
    clear_secrets: bool,
    view_all: bool,
}

impl Sight {
    pub(crate) async fn of(state: &AppState, permit: Permit, gate: &Gate, kind: Kind) -> Sight {
        let clear_secrets =
            permit.caller().is_bot || state.config.authorizer.kind == tessera_config::AuthorizerKind::Noop;
        let view_all = kind.view_all_fields().is_empty() || gate.permit(kind.name(), ViewAll).await.is_ok();
        Sight { permit, clear_secrets, view_all }
    }

    /// [`Self::show`] with the fields derived from other entities the caller named (inherited
    /// owners, a classification's `termCount`).
    pub(crate) async fn show_derived(
        &self,
        state: &AppState,
        entity: Entity,
        fields: &Fields,
    ) -> Result<Value, ApiError> {
        let catalog = self.permit.catalog(state);
        if !tessera_catalog::derives_fields(&entity, fields) {
            return self.show(state, entity, fields); // the common read: no copy, no lookup
        }
        let derived = entity.clone();
        let mut shown = self.show(state, entity, fields)?;
        catalog.add_derived_fields(&derived, fields, &mut shown).await?;
        Ok(shown)
    }

    pub(crate) fn show(&self, state: &AppState, entity: Entity, fields: &Fields) -> Result<Value, ApiError> {
        let kind = entity.kind;
        let mut shown = self.permit.catalog(state).render(entity, &state.base_url, fields, self.clear_secrets)?;
        if !self.view_all {
            for (field, part) in kind.view_all_fields() {
                if let Some(Value::Object(holder)) = shown.get_mut(*field) {
                    holder.remove(*part);
                }
            }
        }
        Ok(shown)
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    params: Params,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let fields = Fields::parse(kind, params.get("fields"))?;
    if let Some(entity_id) = params.get("entityId").filter(|_| kind == Kind::Query) {
        return queries_of(&state, permit, &gate, &params, entity_id, &fields).await;
    }
    let filters = ["service", "database", "databaseSchema", "pipelineType", "parent"]
        .into_iter()
        .filter_map(|f| params.get(f).map(|v| (f.to_string(), v.to_string())))
        .collect();
    let query = ListQuery {
        limit: params.limit()?,
        after: params.get("after").map(str::to_string),
        before: params.get("before").map(str::to_string),
        include: params.include()?,
        filters,
    };
    let page = permit.catalog(&state).list(kind, &query).await?;
    let sight = Sight::of(&state, permit, &gate, kind).await;
    let mut data = Vec::with_capacity(page.items.len());
    for entity in page.items {
        data.push(sight.show_derived(&state, entity, &fields).await?);
    }
    let mut paging = json!({ "total": page.total });
    if let Some(after) = page.after {
        paging["after"] = json!(after);
    }
    if let Some(before) = page.before {
        paging["before"] = json!(before);
    }
    Ok(Json(json!({ "data": data, "paging": paging })))
}

/// `GET /queries?entityId=`: the queries that mention an entity (their `queryUsedIn`), as the
/// client's usage workflow and the table page read them; paged with `after`.
async fn queries_of(
    state: &AppState,
    permit: Permit,
    gate: &Gate,
    params: &Params,
    entity_id: &str,
    fields: &Fields,
) -> Result<Json<Value>, ApiError> {
    if params.get("before").is_some() {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            "before is not supported with entityId; page forwards with after",
        ));
    }
    let after = crate::entities::cursor(params.get("after"))?;
    let page = permit.catalog(state).queries_of(entity_id, params.include()?, params.limit()?, after).await?;
    let sight = Sight::of(state, permit, gate, Kind::Query).await;
    let mut data = Vec::with_capacity(page.items.len());
    for entity in page.items {
        data.push(sight.show_derived(state, entity, fields).await?);
    }
    Ok(Json(crate::entities::page(data, page.total as i64, page.after.as_deref(), true)))
}

pub(crate) async fn save(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    JsonBody(body): JsonBody<Value>,
    kind: Kind,
    create_only: bool,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    // The route needs Create; changing an existing entity needs EditAll too, as in the original,
    // and the operations of the fields it changes (so a deny rule on one of them holds).
    let edits = gate.edits(kind.name()).await?;
    let write = if create_only { Write::CreateOnly } else { Write::CreateOrUpdate(&edits) };
    let (entity, outcome) = permit.catalog(&state).put(kind, body, &permit.caller().name, write).await?;
    let status = if outcome == Outcome::Created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(Sight::of(&state, permit, &gate, kind).await.show_derived(&state, entity, &Fields::All).await?)))
}

pub(crate) async fn by_id(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    PathParams(id): PathParams<String>,
    params: Params,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let fields = Fields::parse(kind, params.get("fields"))?;
    let entity = permit.catalog(&state).by_id(kind, &id, params.include()?).await?;
    Ok(Json(Sight::of(&state, permit, &gate, kind).await.show_derived(&state, entity, &fields).await?))
}

/// The FQN arrives percent-encoded as one path segment (`%2F`, `%22` included) and is decoded
/// only after routing.
pub(crate) async fn by_name(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    PathParams(fqn): PathParams<String>,
    params: Params,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let fields = Fields::parse(kind, params.get("fields"))?;
    let entity = permit.catalog(&state).by_name(kind, &fqn, params.include()?).await?;
    Ok(Json(Sight::of(&state, permit, &gate, kind).await.show_derived(&state, entity, &fields).await?))
}

/// The original's `EntityHistory`: each version as a JSON text, newest first.
async fn list_versions(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    PathParams(id): PathParams<String>,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let versions = permit.catalog(&state).versions(kind, &id).await?;
    let sight = Sight::of(&state, permit, &gate, kind).await;
    let texts = versions
        .into_iter()
        .map(|v| sight.show(&state, v, &Fields::All).map(|v| json!(v.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "entityType": kind.name(), "versions": texts })))
}

async fn one_version(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    PathParams((id, version)): PathParams<(String, String)>,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let entity = permit.catalog(&state).version(kind, &id, &version).await?;
    Ok(Json(Sight::of(&state, permit, &gate, kind).await.show(&state, entity, &Fields::All)?))
}

/// RFC 6902 JSON Patch (`application/json-patch+json`, as the client sends it; plain JSON too).
/// The operations a patch needs are those of the fields it changes (`tessera_authz::edit`), as in
/// the original: a data consumer may patch descriptions and tags, the ingestion bot anything but
/// display names.
pub(crate) async fn patch_entity(
    State(state): State<AppState>,
    gate: Gate,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<Value>,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let permit = gate.permit(kind.name(), ViewBasic).await?;
    let edits = gate.edits(kind.name()).await?;
    let (entity, _) =
        permit.catalog(&state).patch(kind, &id, body, &permit.caller().name, &state.base_url, &edits).await?;
    Ok(Json(Sight::of(&state, permit, &gate, kind).await.show_derived(&state, entity, &Fields::All).await?))
}

/// The same patch addressed by FQN, as the client's lineage workflow marks a view processed
/// (`PATCH /tables/name/{fqn}` of `/processedLineage`).
async fn patch_by_name(
    State(state): State<AppState>,
    gate: Gate,
    PathParams(fqn): PathParams<String>,
    JsonBody(body): JsonBody<Value>,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let permit = gate.permit(kind.name(), ViewBasic).await?;
    let id = permit.catalog(&state).by_name(kind, &fqn, tessera_catalog::Include::NonDeleted).await?.id().to_string();
    patch_entity(State(state), gate, PathParams(id), JsonBody(body), kind).await
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    PathParams(id): PathParams<String>,
    params: Params,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let (hard, recursive) = (params.flag("hardDelete")?, params.flag("recursive")?);
    let entity = permit.catalog(&state).delete(kind, &id, hard, recursive, &permit.caller().name).await?;
    Ok(Json(Sight::of(&state, permit, &gate, kind).await.show_derived(&state, entity, &Fields::All).await?))
}

#[derive(Deserialize)]
struct RestoreEntity {
    id: String,
}

async fn restore_entity(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    JsonBody(body): JsonBody<RestoreEntity>,
    kind: Kind,
) -> Result<Json<Value>, ApiError> {
    let entity = permit.catalog(&state).restore(kind, &body.id, &permit.caller().name).await?;
    Ok(Json(Sight::of(&state, permit, &gate, kind).await.show_derived(&state, entity, &Fields::All).await?))
}
