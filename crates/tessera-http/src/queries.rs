//! A query's sub-resources as the 1.7 client's usage workflow writes them: `PUT
//! /queries/{id}/usage` (entity references the query mentions, added), `/users` (user names, added)
//! and `/usedBy` (names, appended as 1.7 does, repeats kept). Each is a JSON Patch of the query,
//! so references are resolved (404 naming an unknown one) and the edit is authorized like any
//! patch (`EditAll` on the query, as 1.7). The answer is 1.7's ChangeEvent, status 201.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams};
use crate::route::Access::Decided;
use crate::route::{Route, put};
use crate::route_access::Gate;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use tessera_authz::Operation::ViewBasic;
use tessera_catalog::{Entity, Include, Kind};

const ACCESS: crate::route::Access = Decided("EditAll on the query (the field's edit operation)");

pub fn routes() -> Vec<Route> {
    vec![
        put("/api/v1/queries/{id}/usage", ACCESS, |s, g, p, b| add(s, g, p, b, "queryUsedIn")),
        put("/api/v1/queries/{id}/users", ACCESS, |s, g, p, b| add(s, g, p, b, "users")),
        put("/api/v1/queries/{id}/usedBy", ACCESS, |s, g, p, b| add(s, g, p, b, "usedBy")),
    ]
}

fn bad(message: String) -> ApiError {
    ApiError::bad_request("invalid_request", message)
}

/// The key an item is known by in `field` (a reference's id, a name), to add each once.
fn key_of(field: &str, item: &Value) -> Option<String> {
    match field {
        "queryUsedIn" => item.get("id").and_then(Value::as_str).map(str::to_string),
        _ => {
            item.as_str().or_else(|| item.get("name").and_then(Value::as_str)).map(|s| s.trim_matches('"').to_string())
        }
    }
}

/// The JSON Patch that adds `items` to `field` of `query` (all of them for `usedBy`, as 1.7).
fn additions(query: &Entity, field: &str, items: Vec<Value>) -> Value {
    let present: Vec<Value> = query.doc.get(field).and_then(Value::as_array).cloned().unwrap_or_default();
    let mut known: Vec<String> = present.iter().filter_map(|i| key_of(field, i)).collect();
    let mut ops = Vec::new();
    if query.doc.get(field).is_none() {
        ops.push(json!({"op": "add", "path": format!("/{field}"), "value": []}));
    }
    for item in items {
        let key = key_of(field, &item).unwrap_or_default();
        if field != "usedBy" && known.contains(&key) {
            continue;
        }
        known.push(key);
        ops.push(json!({"op": "add", "path": format!("/{field}/-"), "value": item}));
    }
    Value::Array(ops)
}

async fn add(
    State(state): State<AppState>,
    gate: Gate,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<Value>,
    field: &'static str,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Value::Array(items) = body else {
        return Err(bad(match field {
            "queryUsedIn" => {
                "the body must be a list of entity references ([{\"id\": \"<uuid>\", \"type\": \"table\"}])".into()
            }
            _ => format!("the body must be a list of names ([\"…\"]) for {field}"),
        }));
    };
    let well_formed = |item: &Value| match field {
        "queryUsedIn" => item.get("id").is_some_and(Value::is_string) && item.get("type").is_some_and(Value::is_string),
        _ => item.is_string(),
    };
    if let Some(wrong) = items.iter().find(|i| !well_formed(i)) {
        return Err(bad(format!("{wrong} is not a valid item of {field}")));
    }
    let permit = gate.permit(Kind::Query.name(), ViewBasic).await?;
    let catalog = permit.catalog(&state);
    let before = catalog.by_id(Kind::Query, &id, Include::NonDeleted).await?;
    let edits = gate.edits(Kind::Query.name()).await?;
    let patch = additions(&before, field, items);
    let (after, _) = catalog.patch(Kind::Query, &id, patch, &gate.caller.name, &state.base_url, &edits).await?;
    let shown = tessera_catalog::render(&after, &state.base_url, &tessera_catalog::Fields::All);
    let old = before.doc.get(field).cloned().unwrap_or(json!([]));
    let new = after.doc.get(field).cloned().unwrap_or(json!([]));
    let mut event = crate::change_event::field_updated(&after, before.version(), &gate.caller.name, field, old, new);
    event["entity"] = shown;
    Ok((StatusCode::CREATED, Json(event)))
}
