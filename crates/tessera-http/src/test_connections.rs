//! `/api/v1/services/testConnectionDefinitions`: the steps a connector runs to test a connection,
//! seeded with the server (read-only). The client looks up `<serviceType>.testConnectionDefinition`
//! before every ingestion and aborts without it; a step name it does not know crashes it, so the
//! names are exactly those of the 1.7 connectors (`metadata/ingestion/source/database/*/connection.py`).

use crate::AppState;
use crate::authn::Caller;
use crate::error::ApiError;
use crate::extract::Params;
use crate::route::Access::{self, Operation};
use crate::route::{Route, get};
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use tessera_authz::Operation::ViewBasic;

/// One step: (name, what it checks, mandatory).
type Step = (&'static str, &'static str, bool);

const ACCESS: Step = ("CheckAccess", "Connects and signs in with the configured credentials.", true);
const DATABASES: Step = ("GetDatabases", "Lists the databases the user can see.", true);
const SCHEMAS: Step = ("GetSchemas", "Lists the schemas the user can see.", true);
const TABLES: Step = ("GetTables", "Lists the tables of a schema (the first one when none is configured).", true);
const VIEWS: Step = ("GetViews", "Lists the views of a schema (the first one when none is configured).", false);
const TAGS: Step = ("GetTags", "Reads the row-level security policies that become tags on tables.", false);
const QUERIES: Step = ("GetQueries", "Reads the query log used by the usage and lineage workflows.", false);

/// (service type, its steps in order). The service type is case-sensitive, as in `serviceType`.
const DEFINITIONS: &[(&str, &[Step])] = &[
    ("Mysql", &[ACCESS, SCHEMAS, TABLES, VIEWS, QUERIES]),
    ("Postgres", &[ACCESS, DATABASES, SCHEMAS, TABLES, VIEWS, TAGS, QUERIES]),
    ("SQLite", &[ACCESS, SCHEMAS, TABLES, VIEWS]),
];

const SUFFIX: &str = ".testConnectionDefinition";

pub fn routes() -> Vec<Route> {
    const VIEW: Access = Operation("testConnectionDefinition", ViewBasic);
    vec![
        get("/api/v1/services/testConnectionDefinitions", VIEW, list),
        get("/api/v1/services/testConnectionDefinitions/{id}", VIEW, by_id),
        get("/api/v1/services/testConnectionDefinitions/name/{fqn}", VIEW, by_name),
    ]
}

/// A stable id per definition, the same on every replica and across restarts.
fn id_of(service_type: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, service_type.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest.as_ref()[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid().to_string()
}

fn render(state: &AppState, service_type: &str, steps: &[Step]) -> Value {
    let id = id_of(service_type);
    let steps: Vec<Value> = steps
        .iter()
        .enumerate()
        .map(|(i, (name, description, mandatory))| {
            // The first step decides whether the others can run at all.
            json!({"name": name, "description": description, "mandatory": mandatory, "shortCircuit": i == 0})
        })
        .collect();
    json!({
        "id": id,
        "name": service_type,
        "fullyQualifiedName": format!("{service_type}{SUFFIX}"),
        "displayName": format!("{service_type} Test Connection"),
        "description": format!("Checks that Tessera's {service_type} connector can reach the database and read its metadata."),
        "steps": steps,
        "version": 0.1,
        "updatedAt": 0,
        "updatedBy": "admin",
        "href": format!("{}/api/v1/services/testConnectionDefinitions/{id}", state.base_url),
        "deleted": false,
    })
}

fn not_found(key: &str) -> ApiError {
    ApiError::instance_not_found("testConnectionDefinition", key)
}

async fn list(State(state): State<AppState>, Caller(_): Caller, params: Params) -> Result<Json<Value>, ApiError> {
    let limit = params.limit()? as usize;
    let after = crate::entities::cursor(params.get("after"))?;
    let page: Vec<_> =
        DEFINITIONS.iter().filter(|(name, _)| after.as_deref().is_none_or(|a| *name > a)).take(limit).collect();
    let data = page.iter().map(|(name, steps)| render(&state, name, steps)).collect();
    let last = page.last().map(|(name, _)| *name);
    Ok(Json(crate::entities::page(data, DEFINITIONS.len() as i64, last, page.len() == limit)))
}

async fn by_id(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let found = DEFINITIONS.iter().find(|(name, _)| id_of(name) == id).ok_or_else(|| not_found(&id))?;
    Ok(Json(render(&state, found.0, found.1)))
}

/// By `SQLite.testConnectionDefinition` (or the bare service type, as the original accepts).
async fn by_name(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path(fqn): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let service_type = fqn.strip_suffix(SUFFIX).unwrap_or(&fqn);
    let found = DEFINITIONS.iter().find(|(name, _)| *name == service_type).ok_or_else(|| not_found(&fqn))?;
    Ok(Json(render(&state, found.0, found.1)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_stable_and_distinct() {
        let ids: Vec<String> = super::DEFINITIONS.iter().map(|(name, _)| super::id_of(name)).collect();
        assert_eq!(ids, super::DEFINITIONS.iter().map(|(name, _)| super::id_of(name)).collect::<Vec<_>>());
        assert!(ids.iter().all(|id| uuid::Uuid::parse_str(id).is_ok()));
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
    }
}
