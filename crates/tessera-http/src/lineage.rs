//! `/api/v1/lineage`: edges between data assets with 1.7's paths, shapes and texts. Changing an
//! edge needs `EditLineage` on both ends, each decided with that entity's owners and tags (so the
//! owners of both ends qualify); reading needs `ViewBasic` on the kinds shown. The rules on edges
//! and the walk are the catalog's (`tessera_catalog::lineage`).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, PathParams};
use crate::route::Access::Decided;
use crate::route::{Route, delete, get, patch, put};
use crate::route_access::{Gate, Permit};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};
use tessera_authz::Operation::{EditLineage, ViewBasic};
use tessera_catalog::lineage::{LINEAGE_KINDS, lineage_kind, parse_add};
use tessera_catalog::{Entity, Include, Kind};

const EDIT: crate::route::Access = Decided("EditLineage on both ends, each with its owners and tags");
const VIEW: crate::route::Access = Decided("ViewBasic on the entity's type and on the types of the entities shown");

pub fn routes() -> Vec<Route> {
    vec![
        put("/api/v1/lineage", EDIT, add),
        get(
            "/api/v1/lineage/getLineageEdge/{from_id}/{to_id}",
            Decided("ViewBasic on table and on both ends' types"),
            edge,
        ),
        get("/api/v1/lineage/{entity}/{id}", VIEW, by_id),
        get("/api/v1/lineage/{entity}/name/{fqn}", VIEW, by_name),
        patch("/api/v1/lineage/{entity}/{id}/{to_entity}/{to_id}", EDIT, patch_edge),
        delete("/api/v1/lineage/{entity}/{id}/{to_entity}/{to_id}", EDIT, delete_edge),
        delete("/api/v1/lineage/{entity}/name/{fqn}/{to_entity}/name/{to_fqn}", EDIT, delete_by_names),
        delete("/api/v1/lineage/{entity}/{id}/type/{source}", Decided("EditLineage on the entity"), delete_by_source),
    ]
}

/// A permit to read entities of `kind`, and the catalog through it.
async fn viewer(gate: &Gate, kind: Kind) -> Result<Permit, ApiError> {
    gate.permit(kind.name(), ViewBasic).await
}

/// Both ends, live, each with `EditLineage` allowed, and the permit the from-end was read with
/// (the catalog is reached through it for the edit).
async fn editable_ends(
    state: &AppState,
    gate: &Gate,
    from: (Kind, Key<'_>),
    to: (Kind, Key<'_>),
) -> Result<(Permit, Entity, Entity), ApiError> {
    let mut ends = Vec::with_capacity(2);
    for (kind, key) in [from, to] {
        let permit = viewer(gate, kind).await?;
        let catalog = permit.catalog(state);
        let entity = match key {
            Key::Id(id) => catalog.lineage_end(kind, id).await?,
            Key::Name(fqn) => catalog.by_name(kind, fqn, Include::NonDeleted).await?,
        };
        ends.push((permit, entity));
    }
    // Both ends are found before either is decided on: a missing end is a 404 first, as 1.7.
    for (permit, end) in &ends {
        gate.check_entity(permit, end, EditLineage).await?;
    }
    let (_, to) = ends.pop().expect("two ends");
    let (permit, from) = ends.pop().expect("two ends");
    Ok((permit, from, to))
}

enum Key<'a> {
    Id(&'a str),
    Name(&'a str),
}

async fn add(
    State(state): State<AppState>,
    gate: Gate,
    JsonBody(body): JsonBody<Value>,
) -> Result<StatusCode, ApiError> {
    let edge = parse_add(&body)?;
    let (permit, from, to) =
        editable_ends(&state, &gate, (edge.from.0, Key::Id(&edge.from.1)), (edge.to.0, Key::Id(&edge.to.1))).await?;
    let catalog = permit.catalog(&state);
    let resolved = catalog.resolve_edge(from, to, edge.details).await?;
    catalog.save_edge(resolved, &gate.caller.name).await?;
    Ok(StatusCode::OK)
}

async fn edge(
    State(state): State<AppState>,
    gate: Gate,
    PathParams((from_id, to_id)): PathParams<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let permit = viewer(&gate, Kind::Table).await?;
    let not_found = || ApiError::from(tessera_catalog::lineage::edge_not_found(&from_id, &to_id));
    let (kinds, details) = permit.catalog(&state).edge(&from_id, &to_id).await?.ok_or_else(not_found)?;
    for kind in kinds {
        viewer(&gate, kind).await?;
    }
    Ok(Json(json!({"edge": details})))
}

/// `upstreamDepth` or `downstreamDepth`: 1 by default, 0 to 3 (1.7's texts).
fn depth(params: &Params, name: &str) -> Result<u32, ApiError> {
    let Some(text) = params.get(name) else { return Ok(1) };
    let bad = |message: String| ApiError::bad_request("invalid_request", message);
    let value: i64 =
        text.parse().map_err(|_| bad(format!("[query param {name} must be a whole number, not {text:?}]")))?;
    if value < 0 {
        return Err(bad(format!("[query param {name} must be greater than or equal to 0]")));
    }
    u32::try_from(value).ok().filter(|d| *d <= tessera_catalog::MAX_DEPTH).ok_or_else(|| {
        bad(format!("[query param {name} must be less than or equal to {}]", tessera_catalog::MAX_DEPTH))
    })
}

async fn by_id(
    State(state): State<AppState>,
    gate: Gate,
    PathParams((entity, id)): PathParams<(String, String)>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let kind = lineage_kind(&entity, "the entity type")?;
    let permit = viewer(&gate, kind).await?;
    let entity = permit.catalog(&state).lineage_end(kind, &id).await?;
    walk(&state, &gate, &permit, entity, &params).await
}

async fn by_name(
    State(state): State<AppState>,
    gate: Gate,
    PathParams((entity, fqn)): PathParams<(String, String)>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let kind = lineage_kind(&entity, "the entity type")?;
    let permit = viewer(&gate, kind).await?;
    let entity = permit.catalog(&state).by_name(kind, &fqn, Include::NonDeleted).await?;
    walk(&state, &gate, &permit, entity, &params).await
}

/// The lineage around `entity` in 1.7's EntityLineage shape, without the entities (and their
/// edges) of kinds the caller may not view.
async fn walk(
    state: &AppState,
    gate: &Gate,
    permit: &Permit,
    entity: Entity,
    params: &Params,
) -> Result<Json<Value>, ApiError> {
    let (up, down) = (depth(params, "upstreamDepth")?, depth(params, "downstreamDepth")?);
    let lineage = permit.catalog(state).lineage(&entity, up, down).await?;
    let mut hidden = Vec::new();
    for kind in LINEAGE_KINDS {
        if kind != entity.kind && lineage.nodes.iter().any(|n| n.kind == kind) && viewer(gate, kind).await.is_err() {
            hidden.push(kind);
        }
    }
    let hidden_ids: Vec<&str> = lineage.nodes.iter().filter(|n| hidden.contains(&n.kind)).map(Entity::id).collect();
    let edges = |edges: &[tessera_catalog::Edge]| -> Vec<Value> {
        edges
            .iter()
            .filter(|e| !hidden_ids.contains(&e.from_id.as_str()) && !hidden_ids.contains(&e.to_id.as_str()))
            .map(|e| json!({"fromEntity": e.from_id, "toEntity": e.to_id, "lineageDetails": e.details}))
            .collect()
    };
    let nodes: Vec<Value> =
        lineage.nodes.iter().filter(|n| !hidden.contains(&n.kind)).map(|n| reference(state, n)).collect();
    Ok(Json(json!({
        "entity": reference(state, &entity),
        "nodes": nodes,
        "upstreamEdges": edges(&lineage.upstream),
        "downstreamEdges": edges(&lineage.downstream),
    })))
}

/// An EntityReference with its description and `href`, as lineage answers carry them.
fn reference(state: &AppState, entity: &Entity) -> Value {
    let mut reference = entity.reference();
    if let Some(description) = entity.doc.get("description") {
        reference["description"] = description.clone();
    }
    reference["href"] = json!(tessera_catalog::entity::href(&state.base_url, entity.kind, entity.id()));
    reference
}

async fn patch_edge(
    State(state): State<AppState>,
    gate: Gate,
    PathParams((from_type, from_id, to_type, to_id)): PathParams<(String, String, String, String)>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Map<String, Value>>, ApiError> {
    let (from_kind, to_kind) = (lineage_kind(&from_type, "fromEntity")?, lineage_kind(&to_type, "toEntity")?);
    let (permit, from, to) =
        editable_ends(&state, &gate, (from_kind, Key::Id(&from_id)), (to_kind, Key::Id(&to_id))).await?;
    Ok(Json(permit.catalog(&state).patch_edge(from, to, body, &gate.caller.name).await?))
}

async fn delete_edge(
    State(state): State<AppState>,
    gate: Gate,
    PathParams((from_type, from_id, to_type, to_id)): PathParams<(String, String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let (from_kind, to_kind) = (lineage_kind(&from_type, "fromEntity")?, lineage_kind(&to_type, "toEntity")?);
    let (permit, from, to) =
        editable_ends(&state, &gate, (from_kind, Key::Id(&from_id)), (to_kind, Key::Id(&to_id))).await?;
    permit.catalog(&state).delete_edge(&from, &to).await?;
    Ok(StatusCode::OK)
}

async fn delete_by_names(
    State(state): State<AppState>,
    gate: Gate,
    PathParams((from_type, from_fqn, to_type, to_fqn)): PathParams<(String, String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let (from_kind, to_kind) = (lineage_kind(&from_type, "fromEntity")?, lineage_kind(&to_type, "toEntity")?);
    let (permit, from, to) =
        editable_ends(&state, &gate, (from_kind, Key::Name(&from_fqn)), (to_kind, Key::Name(&to_fqn))).await?;
    permit.catalog(&state).delete_edge(&from, &to).await?;
    Ok(StatusCode::OK)
}

async fn delete_by_source(
    State(state): State<AppState>,
    gate: Gate,
    PathParams((entity, id, source)): PathParams<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let kind = lineage_kind(&entity, "the entity type")?;
    let permit = viewer(&gate, kind).await?;
    let catalog = permit.catalog(&state);
    let entity = catalog.lineage_end(kind, &id).await?;
    gate.check_entity(&permit, &entity, EditLineage).await?;
    catalog.delete_edges_by_source(&entity, &source).await?;
    Ok(StatusCode::OK)
}
