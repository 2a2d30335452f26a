//! Query cost records (1.7 `/api/v1/queryCostRecord`): what running a query cost at a time, as
//! the client's usage workflow reports it per query and day. Stored with their query and gone
//! with it.

use crate::entity::Entity;
use crate::error::CatalogError;
use crate::kind::Kind;
use crate::list::Include;
use crate::service::Catalog;
use serde_json::{Map, Value, json};
use tessera_store::QueryCostStore;

fn invalid(message: String) -> CatalogError {
    CatalogError::Invalid(message)
}

const SHAPE: &str = "the body must be CreateQueryCostRecord: {\"timestamp\": <milliseconds>, \"queryReference\": \
     {\"id\": \"<query id>\", \"type\": \"query\"}, \"cost\": <number>, \"count\": <number>, \"totalDuration\": <number>}";
const FIELDS: &[&str] = &["timestamp", "jsonSchema", "queryReference", "cost", "count", "totalDuration"];

/// A checked `CreateQueryCostRecord`: the query's id and the record's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct CostReport {
    pub query_id: String,
    fields: Map<String, Value>,
}

/// Reads a `CreateQueryCostRecord` body (shape only; the query is looked up by the caller).
pub fn parse_cost_record(body: &Value) -> Result<CostReport, CatalogError> {
    let Value::Object(fields) = body else { return Err(invalid(SHAPE.into())) };
    if let Some(extra) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(invalid(format!("{extra} is not a field of CreateQueryCostRecord; {SHAPE}")));
    }
    let number = |key: &str, required: bool| match fields.get(key) {
        None | Some(Value::Null) if !required => Ok(()),
        Some(value) if value.as_f64().is_some_and(|n| n >= 0.0) => Ok(()),
        _ => Err(invalid(format!("{key} must be a number, 0 or more; {SHAPE}"))),
    };
    if !fields.get("timestamp").is_some_and(Value::is_i64) {
        return Err(invalid(format!("timestamp is required (milliseconds since 1970, a whole number); {SHAPE}")));
    }
    number("cost", true)?;
    number("count", true)?;
    number("totalDuration", false)?;
    if fields.get("jsonSchema").is_some_and(|s| !s.is_string() && !s.is_null()) {
        return Err(invalid(format!("jsonSchema must be a string; {SHAPE}")));
    }
    let reference = fields.get("queryReference");
    let query_id = reference.and_then(|r| r.get("id")).and_then(Value::as_str);
    let kind = reference.and_then(|r| r.get("type")).and_then(Value::as_str);
    let Some(query_id) = query_id.filter(|_| kind.is_none_or(|k| k == Kind::Query.name())) else {
        return Err(invalid(format!(
            "queryReference must name a query by id ({{\"id\": …, \"type\": \"query\"}}); {SHAPE}"
        )));
    };
    Ok(CostReport { query_id: query_id.to_string(), fields: fields.clone() })
}

impl Catalog {
    /// Stores the record of `query` (the live query `report.query_id` names); the
    /// `QueryCostRecord`.
    pub async fn record_query_cost(&self, query: &Entity, report: CostReport, by: &str) -> Result<Value, CatalogError> {
        let mut record = report.fields;
        let id = uuid::Uuid::now_v7().to_string();
        let mut reference = query.reference();
        if let Some(reference) = reference.as_object_mut() {
            reference.remove("deleted");
        }
        record.insert("id".into(), json!(id));
        record.insert("queryReference".into(), reference);
        record.entry("totalDuration").or_insert(json!(0));
        record.insert("updatedBy".into(), json!(by));
        record.insert("updatedAt".into(), json!(self.now()));
        let timestamp = record.get("timestamp").and_then(Value::as_i64).unwrap_or_default();
        let record = Value::Object(record);
        self.store.query_cost_insert(&id, query.id(), timestamp, &record.to_string()).await?;
        Ok(record)
    }

    /// A stored record and its query (404 when either is gone).
    pub async fn query_cost(&self, id: &str) -> Result<(Entity, Value), CatalogError> {
        let not_found = || CatalogError::Unresolved { type_name: "queryCostRecord", key: id.to_string() };
        let row = self.store.query_cost(id).await?.ok_or_else(not_found)?;
        let query = self.by_id(Kind::Query, &row.query_id, Include::All).await?;
        let record = serde_json::from_str(&row.body).map_err(|_| not_found())?;
        Ok((query, record))
    }
}
