//! Ingestion pipeline run statuses (1.7 `PipelineStatus`): checked field by field (the client
//! parses what it reads back strictly, and a refused read is silent on its side), stored per
//! (pipeline, runId), read by run, latest, or time range.

use crate::entity::Entity;
use crate::error::CatalogError;
use crate::kind::Kind;
use crate::list::Include;
use crate::service::Catalog;
use serde_json::{Map, Value};
use tessera_store::PipelineStatusStore;

/// The 1.7 `ingestionPipeline.json#/definitions/pipelineStatus/pipelineState`.
pub const PIPELINE_STATES: &[&str] = &["queued", "success", "failed", "running", "partialSuccess"];

/// The most runs one time-range list returns (newest first).
pub const MAX_LISTED: i64 = 10_000;

const FIELDS: &[&str] =
    &["runId", "pipelineState", "startDate", "timestamp", "endDate", "status", "config", "metadata"];
const STEP_FIELDS: &[&str] = &["name", "records", "updated_records", "warnings", "errors", "filtered", "failures"];
const FAILURE_FIELDS: &[&str] = &["name", "error", "stackTrace"];

fn invalid(message: String) -> CatalogError {
    CatalogError::Invalid(message)
}

/// A checked status: `runId` and `pipelineState` present, every field of its 1.7 type, nothing
/// else. `null`s are dropped (the model's absent).
pub fn parse_status(body: Value) -> Result<Map<String, Value>, CatalogError> {
    let Value::Object(body) = body else {
        return Err(invalid("The request body must be a JSON object (PipelineStatus)".into()));
    };
    let status: Map<String, Value> = body.into_iter().filter(|(_, v)| !v.is_null()).collect();
    if let Some(unknown) = status.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(invalid(format!(
            "Unknown field {unknown} in PipelineStatus; its fields are: {}",
            FIELDS.join(", ")
        )));
    }
    match status.get("runId") {
        Some(Value::String(id)) if !id.trim().is_empty() => {}
        Some(_) => return Err(invalid("runId must be a non-empty string (the run's id, e.g. a UUID)".into())),
        None => return Err(invalid("runId is required in PipelineStatus (the run's id, e.g. a UUID)".into())),
    }
    match status.get("pipelineState") {
        Some(state) if state.as_str().is_some_and(|s| PIPELINE_STATES.contains(&s)) => {}
        Some(other) => {
            return Err(invalid(format!("pipelineState {other} is not one of {}", PIPELINE_STATES.join(", "))));
        }
        None => {
            return Err(invalid(format!(
                "pipelineState is required in PipelineStatus (one of {})",
                PIPELINE_STATES.join(", ")
            )));
        }
    }
    for key in ["startDate", "timestamp", "endDate"] {
        if status.get(key).is_some_and(|v| v.as_i64().is_none()) {
            return Err(invalid(format!("{key} must be a timestamp in milliseconds since the epoch (an integer)")));
        }
    }
    for key in ["config", "metadata"] {
        if status.get(key).is_some_and(|v| !v.is_object()) {
            return Err(invalid(format!("{key} must be an object")));
        }
    }
    if let Some(steps) = status.get("status") {
        let Some(steps) = steps.as_array() else {
            return Err(invalid("status must be a list of step summaries ({\"name\": ..., \"records\": ...})".into()));
        };
        for (i, step) in steps.iter().enumerate() {
            check_step(step).map_err(|why| invalid(format!("status[{i}]: {why}")))?;
        }
    }
    Ok(status)
}

/// A 1.7 `StepSummary`: a name, counters, and a sample of failures.
fn check_step(step: &Value) -> Result<(), String> {
    let Some(step) = step.as_object() else { return Err("a step summary must be an object".into()) };
    known(step, STEP_FIELDS, "a step summary")?;
    if !step.get("name").is_some_and(Value::is_string) {
        return Err("name (the step's name, a string) is required".into());
    }
    for counter in ["records", "updated_records", "warnings", "errors", "filtered"] {
        if step.get(counter).is_some_and(|v| !v.is_null() && v.as_u64().is_none()) {
            return Err(format!("{counter} must be a whole number, 0 or more"));
        }
    }
    let failures = step.get("failures").filter(|v| !v.is_null());
    for (j, failure) in
        failures.map(|f| f.as_array().ok_or("failures must be a list")).transpose()?.into_iter().flatten().enumerate()
    {
        let Some(failure) = failure.as_object() else { return Err(format!("failures[{j}] must be an object")) };
        known(failure, FAILURE_FIELDS, &format!("failures[{j}]"))?;
        for (field, what) in [("name", "the failing asset's name"), ("error", "the error text")] {
            if !failure.get(field).is_some_and(Value::is_string) {
                return Err(format!("failures[{j}].{field} ({what}) is required"));
            }
        }
    }
    Ok(())
}

fn known(object: &Map<String, Value>, fields: &[&str], what: &str) -> Result<(), String> {
    match object.keys().find(|k| !fields.contains(&k.as_str())) {
        Some(unknown) => Err(format!("Unknown field {unknown} in {what}; its fields are: {}", fields.join(", "))),
        None => Ok(()),
    }
}

fn parse_stored(pipeline_id: &str, body: &str) -> Result<Value, CatalogError> {
    serde_json::from_str(body).map_err(|e| CatalogError::Damaged { id: pipeline_id.to_string(), reason: e.to_string() })
}

impl Catalog {
    async fn live_pipeline(&self, fqn: &str) -> Result<Entity, CatalogError> {
        self.by_name(Kind::IngestionPipeline, fqn, Include::NonDeleted).await
    }

    /// Creates or replaces the status of a run (by `runId`); `true` when the run had none.
    pub async fn put_status(&self, fqn: &str, body: Value) -> Result<(Value, bool), CatalogError> {
        let status = parse_status(body)?;
        let pipeline = self.live_pipeline(fqn).await?;
        let run_id = status["runId"].as_str().unwrap_or_default().to_string();
        // Ranges and "latest" go by the status's time; a status without one is filed at its arrival.
        let at = ["timestamp", "startDate"].iter().find_map(|k| status.get(*k).and_then(Value::as_i64));
        let at = at.unwrap_or_else(|| self.now());
        let status = Value::Object(status);
        let created = self.store.pipeline_status_put(pipeline.id(), &run_id, at, &status.to_string()).await?;
        Ok((status, created))
    }

    /// The status of one run of a live pipeline, `None` if the run has reported none yet.
    pub async fn status(&self, fqn: &str, run_id: &str) -> Result<Option<Value>, CatalogError> {
        let pipeline = self.live_pipeline(fqn).await?;
        let body = self.store.pipeline_status(pipeline.id(), run_id).await?;
        body.map(|b| parse_stored(pipeline.id(), &b)).transpose()
    }

    /// The status with the latest timestamp of a pipeline (by id): its `pipelineStatuses`.
    pub async fn latest_status(&self, pipeline_id: &str) -> Result<Option<Value>, CatalogError> {
        let body = self.store.pipeline_status_latest(pipeline_id).await?;
        body.map(|b| parse_stored(pipeline_id, &b)).transpose()
    }

    /// Statuses with `start <= timestamp <= end`, newest first, at most [`MAX_LISTED`].
    pub async fn statuses(&self, fqn: &str, start: i64, end: i64) -> Result<Vec<Value>, CatalogError> {
        if start > end {
            return Err(invalid(format!("startTs ({start}) must not be after endTs ({end})")));
        }
        let pipeline = self.live_pipeline(fqn).await?;
        let bodies = self.store.pipeline_statuses(pipeline.id(), start, end, MAX_LISTED).await?;
        bodies.iter().map(|b| parse_stored(pipeline.id(), b)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_clients_statuses_parse() {
        let running = json!({"runId": "7d1f0e4b-1111-4a3c-9c55-0d2b8e6a7f10", "pipelineState": "running",
            "startDate": 1_700_000_000_000_i64, "timestamp": 1_700_000_000_000_i64, "config": {}});
        assert_eq!(parse_status(running).unwrap()["pipelineState"], "running");
        let done = json!({"runId": "r", "pipelineState": "success", "endDate": 1, "metadata": null,
            "status": [{"name": "SQLite", "records": 5, "updated_records": 0, "warnings": 0, "errors": 0,
                "filtered": 0, "failures": []},
                {"name": "OpenMetadata", "records": 5, "failures": [{"name": "t", "error": "boom", "stackTrace": "..."}]}]});
        let parsed = parse_status(done).unwrap();
        assert!(!parsed.contains_key("metadata"), "nulls are dropped");
    }

    #[test]
    fn bad_statuses_say_what_to_change() {
        let err = |v: Value| parse_status(v).unwrap_err().to_string();
        assert!(err(json!({"pipelineState": "running"})).contains("runId is required"));
        assert!(err(json!({"runId": "", "pipelineState": "running"})).contains("runId must be a non-empty string"));
        assert!(err(json!({"runId": "r"})).contains("pipelineState is required in PipelineStatus (one of queued"));
        assert!(err(json!({"runId": "r", "pipelineState": "done"})).contains("pipelineState \"done\" is not one of"));
        assert!(err(json!({"runId": "r", "pipelineState": "failed", "state": 1})).contains("Unknown field state"));
        assert!(err(json!({"runId": "r", "pipelineState": "failed", "endDate": "today"})).contains("endDate must be"));
        assert!(err(json!({"runId": "r", "pipelineState": "failed", "status": {}})).contains("status must be a list"));
        let step = |s: Value| err(json!({"runId": "r", "pipelineState": "failed", "status": [s]}));
        assert!(step(json!({"records": 1})).starts_with("status[0]: name (the step's name"));
        assert!(step(json!({"name": "s", "records": -1})).contains("records must be a whole number"));
        assert!(step(json!({"name": "s", "rows": 1})).contains("Unknown field rows in a step summary"));
        assert!(step(json!({"name": "s", "failures": [{"name": "x"}]})).contains("failures[0].error"));
        assert!(step(json!({"name": "s", "failures": [{"error": "x"}]})).contains("failures[0].name"));
        assert!(err(json!([1])).contains("JSON object (PipelineStatus)"));
    }
}
