//! `PUT /api/v1/tables/{id}/joins`: the client's usage workflow reports which columns and tables
//! a table's queries joined on a day (1.7's `TableJoins`); the answer is the table with its joins
//! over the last 30 days. Needs `EditAll` on the table (1.7), its owners and tags deciding. The
//! checking and counting are the catalog's (`tessera_catalog::joins`).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams};
use crate::route::Access::Decided;
use crate::route::{Route, put};
use crate::route_access::Gate;
use axum::Json;
use axum::extract::State;
use serde_json::Value;
use tessera_authz::Operation::{EditAll, ViewBasic};
use tessera_catalog::joins::parse_table_joins;
use tessera_catalog::{Fields, Include, Kind};

pub fn routes() -> Vec<Route> {
    vec![put("/api/v1/tables/{id}/joins", Decided("EditAll on the table"), add_joins)]
}

async fn add_joins(
    State(state): State<AppState>,
    gate: Gate,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    let permit = gate.permit(Kind::Table.name(), ViewBasic).await?;
    let catalog = permit.catalog(&state);
    let table = catalog.by_id(Kind::Table, &id, Include::NonDeleted).await?;
    gate.check_entity(&permit, &table, EditAll).await?;
    let report = parse_table_joins(&table, &body)?;
    let joins = catalog.record_joins(&table, report).await?;
    let mut shown = tessera_catalog::render(&table, &state.base_url, &Fields::All);
    shown["joins"] = joins;
    Ok(Json(shown))
}
