//! `GET /api/v1/search/fieldQuery`: the search the ingestion client makes to resolve a foreign
//! key's or a view's table by FQN, answered from the catalog itself in Elasticsearch's hit shape:
//! exact `fullyQualifiedName` (or a service's `name`) lookups, and FQNs with wildcards for the
//! service, database or schema (`svc.*.*.orders`, `fqn_pattern.rs`). `GET /api/v1/search/query`
//! is in `search_query.rs`.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::Params;
use crate::route::Access::Decided;
use crate::route::{Route, get};
use crate::route_access::Gate;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use tessera_authz::Operation::ViewBasic;
use tessera_catalog::{CatalogError, Fields, Include, Kind, render};

pub fn routes() -> Vec<Route> {
    vec![
        get("/api/v1/search/fieldQuery", Decided("ViewBasic on the entity type of the index"), field_query),
        get("/api/v1/search/query", Decided("ViewBasic on each entity type searched"), crate::search_query::query),
    ]
}

/// The original's index names for the kinds Tessera serves.
pub(crate) const INDEXES: &[(&str, Kind)] = &[
    ("database_service_search_index", Kind::DatabaseService),
    ("database_search_index", Kind::Database),
    ("database_schema_search_index", Kind::DatabaseSchema),
    ("table_search_index", Kind::Table),
    ("stored_procedure_search_index", Kind::StoredProcedure),
    ("classification_search_index", Kind::Classification),
    ("tag_search_index", Kind::Tag),
    ("query_search_index", Kind::Query),
];

/// Index names that cover every data asset (services, databases, schemas, tables, stored
/// procedures).
pub(crate) const ALL_INDEXES: &[&str] = &["all", "dataAsset"];

/// The kind an index name (or its alias without `_search_index`, which 1.7 also answers to)
/// holds; a 400 listing the names (and the caller's `others`) otherwise.
pub(crate) fn kind_of_index(index: &str, others: &[&str]) -> Result<Kind, ApiError> {
    let found = INDEXES.iter().find(|(name, kind)| *name == index || kind.name() == index);
    found.map(|(_, kind)| *kind).ok_or_else(|| {
        let known: Vec<&str> = INDEXES.iter().map(|(name, _)| *name).chain(others.iter().copied()).collect();
        bad(format!("index {index} is not served by Tessera; use one of: {}", known.join(", ")))
    })
}

/// The index name of a kind's entities (`""` for a kind no index holds).
pub(crate) fn index_of(kind: Kind) -> &'static str {
    INDEXES.iter().find(|(_, k)| *k == kind).map_or("", |(name, _)| *name)
}

pub(crate) fn bad(message: String) -> ApiError {
    ApiError::bad_request("invalid_search", message)
}

async fn field_query(State(state): State<AppState>, gate: Gate, params: Params) -> Result<Json<Value>, ApiError> {
    let index = params.get("index").unwrap_or("table_search_index");
    let kind = kind_of_index(index, &[])?;
    let permit = gate.permit(kind.name(), ViewBasic).await?;
    let field = params.get("fieldName").unwrap_or_default();
    let service_name = field == "name" && kind == Kind::DatabaseService;
    if field != "fullyQualifiedName" && !service_name {
        return Err(bad(format!(
            "fieldName {field:?} cannot be searched: Tessera answers fieldName=fullyQualifiedName (exact match) only"
        )));
    }
    let value = params.get("fieldValue").ok_or_else(|| bad("fieldValue is required".into()))?;
    let fqn = if service_name {
        tessera_catalog::fqn::quote_name(value).map_err(|e| bad(format!("fieldValue: {e}")))?
    } else {
        value.to_string()
    };
    let include = match params.get("deleted") {
        None | Some("false") => Include::NonDeleted,
        Some("true") => Include::Deleted,
        Some(other) => return Err(bad(format!("deleted must be true or false, not {other}"))),
    };
    let (from, size) = (number(&params, "from", 0)?, number(&params, "size", 10)?);
    let catalog = permit.catalog(&state);
    let (found, total) = if tessera_catalog::is_pattern(&fqn) {
        catalog.by_fqn_pattern(kind, &fqn, include, from, size.min(tessera_catalog::MAX_SEARCH_SIZE)).await?
    } else {
        match catalog.by_name(kind, &fqn, include).await {
            Ok(entity) if from == 0 && size > 0 => (vec![entity], 1),
            Ok(_) => (vec![], 1),
            Err(CatalogError::NotFound { .. }) => (vec![], 0),
            Err(other) => return Err(other.into()),
        }
    };
    let hits: Vec<Value> = found.iter().map(|entity| render(entity, &state.base_url, &Fields::All)).collect();
    let hits: Vec<Value> = hits.into_iter().map(|entity| json!({"_index": index, "_source": entity})).collect();
    Ok(Json(json!({"hits": {"total": {"value": total, "relation": "eq"}, "hits": hits}})))
}

/// `from` or `size`: a whole number from 0 to the search window (10,000), as Elasticsearch's
/// `index.max_result_window`; anything else is a 400 saying so.
pub(crate) fn number(params: &Params, name: &str, default: i64) -> Result<i64, ApiError> {
    let window = tessera_store::SEARCH_WINDOW;
    let Some(text) = params.get(name) else { return Ok(default) };
    match text.parse::<i64>() {
        Ok(n) if (0..=window).contains(&n) => Ok(n),
        _ => Err(bad(format!("{name} must be a whole number from 0 to {window}, not {text:?}"))),
    }
}
