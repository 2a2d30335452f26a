//! `/api/v1/usage`: daily usage counts of tables with 1.7's paths, bodies and answers. Reading
//! needs `ViewUsage`, writing `EditUsage`, each decided on the named table (its owners and tags).
//! The counting is the catalog's (`tessera_catalog::usage`).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, PathParams};
use crate::route::Access::Decided;
use crate::route::{Route, get, post, put};
use crate::route_access::{Gate, Permit};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use tessera_authz::Operation::{self, EditUsage, ViewBasic, ViewUsage};
use tessera_catalog::civil_date::Day;
use tessera_catalog::usage::{day, parse_daily_count, ranked_kind, usage_kind};
use tessera_catalog::{Entity, Include};
use tessera_store::UsageMerge;

const VIEW: crate::route::Access = Decided("ViewUsage on the entity");
const EDIT: crate::route::Access = Decided("EditUsage on the entity");

pub fn routes() -> Vec<Route> {
    vec![
        get("/api/v1/usage/{entity}/{id}", VIEW, |s, g, p, q| read(s, g, p, q, false)),
        get("/api/v1/usage/{entity}/name/{fqn}", VIEW, |s, g, p, q| read(s, g, p, q, true)),
        post("/api/v1/usage/{entity}/{id}", EDIT, |s, g, p, b| write(s, g, p, b, false, UsageMerge::Replace)),
        put("/api/v1/usage/{entity}/{id}", EDIT, |s, g, p, b| write(s, g, p, b, false, UsageMerge::Add)),
        post("/api/v1/usage/{entity}/name/{fqn}", EDIT, |s, g, p, b| write(s, g, p, b, true, UsageMerge::Replace)),
        put("/api/v1/usage/{entity}/name/{fqn}", EDIT, |s, g, p, b| write(s, g, p, b, true, UsageMerge::Add)),
        post("/api/v1/usage/compute.percentile/{entity}/{date}", Decided("EditUsage on the entity type"), rank),
    ]
}

/// The live table a path names, with `operation` allowed on it (its owners and tags deciding).
async fn table(
    state: &AppState,
    gate: &Gate,
    (entity, key): &(String, String),
    by_name: bool,
    operation: Operation,
) -> Result<(Permit, Entity), ApiError> {
    let kind = usage_kind(entity)?;
    let permit = gate.permit(kind.name(), ViewBasic).await?;
    let catalog = permit.catalog(state);
    let found = if by_name {
        catalog.by_name(kind, key, Include::NonDeleted).await?
    } else {
        catalog.by_id(kind, key, Include::NonDeleted).await?
    };
    gate.check_entity(&permit, &found, operation).await?;
    Ok((permit, found))
}

async fn read(
    State(state): State<AppState>,
    gate: Gate,
    PathParams(path): PathParams<(String, String)>,
    params: Params,
    by_name: bool,
) -> Result<Json<Value>, ApiError> {
    let (permit, entity) = table(&state, &gate, &path, by_name, ViewUsage).await?;
    let catalog = permit.catalog(&state);
    let date = match params.get("date") {
        Some(text) => day(text, "date")?,
        None => Day::of_millis(tessera_store::clock::now_millis()),
    };
    let days = match params.get("days") {
        None => 1,
        Some(text) => text.parse::<i64>().map_err(|_| {
            ApiError::bad_request("invalid_request", format!("days must be a whole number from 1 to 30, not {text:?}"))
        })?,
    };
    let usage = catalog.usage(&entity, date, days).await?;
    Ok(Json(json!({"entity": entity.reference(), "usage": usage})))
}

async fn write(
    State(state): State<AppState>,
    gate: Gate,
    PathParams(path): PathParams<(String, String)>,
    JsonBody(body): JsonBody<Value>,
    by_name: bool,
    merge: UsageMerge,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (count, date) = parse_daily_count(&body)?;
    let (permit, entity) = table(&state, &gate, &path, by_name, EditUsage).await?;
    let (before, after) = permit.catalog(&state).record_usage(&entity, count, date, merge).await?;
    let event =
        crate::change_event::field_updated(&entity, entity.version(), &gate.caller.name, "usageSummary", before, after);
    Ok((StatusCode::CREATED, Json(event)))
}

async fn rank(
    State(state): State<AppState>,
    gate: Gate,
    PathParams((entity, date)): PathParams<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let kind = ranked_kind(&entity)?;
    let date = day(&date, "the date")?;
    let permit = gate.permit(kind.name(), EditUsage).await?;
    permit.catalog(&state).rank_usage(kind, date).await?;
    Ok(StatusCode::CREATED)
}
