//! `/api/v1/queryCostRecord`: what running a query cost, as the client's usage workflow reports
//! it per query and day (1.7's `CreateQueryCostRecord`, answered with the `QueryCostRecord`).
//! Writing needs `EditQueries` on the query, reading `ViewAll` on it (1.7), its owners and tags
//! deciding.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams};
use crate::route::Access::Decided;
use crate::route::{Route, get, post};
use crate::route_access::Gate;
use axum::Json;
use axum::extract::State;
use serde_json::Value;
use tessera_authz::Operation::{EditQueries, ViewAll, ViewBasic};
use tessera_catalog::query_cost::parse_cost_record;
use tessera_catalog::{Include, Kind};

pub fn routes() -> Vec<Route> {
    vec![
        post("/api/v1/queryCostRecord", Decided("EditQueries on the query"), add),
        get("/api/v1/queryCostRecord/{id}", Decided("ViewAll on the query"), read),
    ]
}

async fn add(
    State(state): State<AppState>,
    gate: Gate,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    let report = parse_cost_record(&body)?;
    let permit = gate.permit(Kind::Query.name(), ViewBasic).await?;
    let catalog = permit.catalog(&state);
    let query = catalog.by_id(Kind::Query, &report.query_id, Include::NonDeleted).await?;
    gate.check_entity(&permit, &query, EditQueries).await?;
    Ok(Json(catalog.record_query_cost(&query, report, &gate.caller.name).await?))
}

async fn read(
    State(state): State<AppState>,
    gate: Gate,
    PathParams(id): PathParams<String>,
) -> Result<Json<Value>, ApiError> {
    let permit = gate.permit(Kind::Query.name(), ViewBasic).await?;
    let (query, record) = permit.catalog(&state).query_cost(&id).await?;
    gate.check_entity(&permit, &query, ViewAll).await?;
    Ok(Json(record))
}
