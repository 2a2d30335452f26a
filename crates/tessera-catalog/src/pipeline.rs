//! What is particular to ingestion pipelines' create requests (1.7 `CreateIngestionPipelineRequest`):
//! the service named by an `EntityReference` (by id), the value lists of `pipelineType`,
//! `loggerLevel` and `provider`, the shapes of `sourceConfig` and `airflowConfig`, and the defaults
//! the original fills in on creation.

use crate::create::request_name;
use crate::error::CatalogError;
use crate::kind::Kind;
use serde_json::{Map, Value, json};

/// The 1.7 `ingestionPipeline.json#/definitions/pipelineType`.
pub const PIPELINE_TYPES: &[&str] = &[
    "metadata",
    "usage",
    "lineage",
    "profiler",
    "autoClassification",
    "TestSuite",
    "dataInsight",
    "elasticSearchReindex",
    "dbt",
    "application",
];

/// The 1.7 `metadataIngestion/workflow.json#/definitions/logLevels`.
pub const LOG_LEVELS: &[&str] = &["DEBUG", "INFO", "WARN", "ERROR"];

/// The 1.7 `type/providerType.json`.
pub const PROVIDERS: &[&str] = &["system", "user", "automation"];

/// The 1.7 `AirflowConfig` fields (the model forbids others).
const AIRFLOW_FIELDS: &[&str] = &[
    "pausePipeline",
    "concurrency",
    "startDate",
    "endDate",
    "pipelineTimezone",
    "retries",
    "retryDelay",
    "pipelineCatchup",
    "scheduleInterval",
    "maxActiveRuns",
    "workflowTimeout",
    "workflowDefaultView",
    "workflowDefaultViewOrientation",
    "email",
];

const SOURCE_CONFIG_EXAMPLE: &str = r#"{"config": {"type": "DatabaseMetadata"}}"#;

fn invalid(message: String) -> CatalogError {
    CatalogError::Invalid(message)
}

/// The parent's id from an `EntityReference` such as `{"id": "<uuid>", "type": "databaseService"}`.
pub(crate) fn parent_reference(
    value: Option<Value>,
    field: &str,
    parent: Kind,
    kind: Kind,
) -> Result<String, CatalogError> {
    let example = format!("{{\"id\": \"<the {parent}'s id>\", \"type\": \"{parent}\"}}");
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Err(invalid(format!("{field} is required in {}: a reference such as {example}", request_name(kind))));
    };
    let Some(reference) = value.as_object() else {
        return Err(invalid(format!(
            "{field} must be a reference to the {parent} by id, such as {example}, not {value}"
        )));
    };
    let id = reference.get("id").and_then(Value::as_str).unwrap_or_default();
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(invalid(format!("{field}.id must be the {parent}'s id (a UUID), such as {example}")));
    }
    match reference.get("type").and_then(Value::as_str) {
        Some(t) if t == parent.name() => Ok(id.to_string()),
        Some(other) => {
            Err(invalid(format!("{field}.type must be {parent}: Tessera keeps database services only, not {other}")))
        }
        None => Err(invalid(format!("{field}.type is required in the reference: {example}"))),
    }
}

/// The fields the 1.7 request requires besides `name` and `service`.
pub(crate) fn check_required(body: &Map<String, Value>) -> Result<(), CatalogError> {
    let request = request_name(Kind::IngestionPipeline);
    for (field, hint) in [
        ("pipelineType", format!("one of {}", PIPELINE_TYPES.join(", "))),
        ("sourceConfig", format!("such as {SOURCE_CONFIG_EXAMPLE}")),
        ("airflowConfig", "{} for the defaults".to_string()),
    ] {
        if body.get(field).is_none_or(Value::is_null) {
            return Err(invalid(format!("{field} is required in {request} ({hint})")));
        }
    }
    Ok(())
}

/// Checks a pipeline field; `None` for fields that are not a pipeline's.
pub(crate) fn check_field(key: &str, value: &Value) -> Option<Result<(), CatalogError>> {
    let one_of = |list: &[&str]| {
        if value.as_str().is_some_and(|v| list.contains(&v)) {
            Ok(())
        } else {
            Err(invalid(format!("{key} {value} is not one of {}", list.join(", "))))
        }
    };
    Some(match key {
        "pipelineType" => one_of(PIPELINE_TYPES),
        "loggerLevel" => one_of(LOG_LEVELS),
        "provider" => one_of(PROVIDERS),
        "raiseOnError" if value.is_boolean() => Ok(()),
        "raiseOnError" => Err(invalid(format!("{key} must be true or false"))),
        "sourceConfig" => source_config(value),
        "airflowConfig" => airflow_config(value),
        _ => return None,
    })
}

fn source_config(value: &Value) -> Result<(), CatalogError> {
    let Some(object) = value.as_object() else {
        return Err(invalid(format!("sourceConfig must be an object such as {SOURCE_CONFIG_EXAMPLE}")));
    };
    for (key, v) in object {
        if key != "config" {
            return Err(invalid(format!("Unknown field {key} in sourceConfig; its only field is config")));
        }
        if !(v.is_object() || v.is_null()) {
            return Err(invalid(format!("sourceConfig.config must be an object such as {SOURCE_CONFIG_EXAMPLE}")));
        }
    }
    Ok(())
}

fn airflow_config(value: &Value) -> Result<(), CatalogError> {
    let Some(object) = value.as_object() else {
        return Err(invalid("airflowConfig must be an object ({} for the defaults)".into()));
    };
    match object.keys().find(|k| !AIRFLOW_FIELDS.contains(&k.as_str())) {
        Some(unknown) => Err(invalid(format!(
            "Unknown field {unknown} in airflowConfig; its fields are: {}",
            AIRFLOW_FIELDS.join(", ")
        ))),
        None => Ok(()),
    }
}

/// The `sourceConfig.config.type` each pipeline type of a database service runs with (1.7
/// `metadataIngestion/*Pipeline.json`); the other pipeline types are not a database service's.
pub fn source_config_type(pipeline_type: &str) -> Option<&'static str> {
    Some(match pipeline_type {
        "metadata" => "DatabaseMetadata",
        "usage" => "DatabaseUsage",
        "lineage" => "DatabaseLineage",
        "profiler" => "Profiler",
        "autoClassification" => "AutoClassification",
        "TestSuite" => "TestSuite",
        "dbt" => "DBT",
        "application" => "Application",
        _ => return None,
    })
}

/// `sourceConfig.config.type` from `pipelineType` when absent (the client leaves a default
/// discriminator out), refused when it names another pipeline's config; nested credentials
/// completed as a connection's.
pub(crate) fn complete_source_config(fields: &mut Map<String, Value>) -> Result<(), CatalogError> {
    let pipeline_type = fields.get("pipelineType").and_then(Value::as_str).unwrap_or_default().to_string();
    let Some(config) = fields.get_mut("sourceConfig").and_then(|s| s.get_mut("config")).and_then(Value::as_object_mut)
    else {
        return Ok(());
    };
    if let Some(wanted) = source_config_type(&pipeline_type) {
        match config.get("type") {
            None | Some(Value::Null) => drop(config.insert("type".into(), json!(wanted))),
            Some(Value::String(given)) if given == wanted => {}
            Some(given) => {
                return Err(invalid(format!(
                    "sourceConfig.config.type {given} contradicts pipelineType \"{pipeline_type}\": a {pipeline_type} \
                     pipeline runs a {wanted} config; leave type out or set it to \"{wanted}\""
                )));
            }
        }
    }
    crate::connection_type::complete_credentials(fields.get_mut("sourceConfig").expect("checked above"));
    Ok(())
}

/// What the original stores on creation when the request leaves it out.
pub(crate) fn fill_defaults(doc: &mut Map<String, Value>) {
    for (key, value) in [
        ("loggerLevel", json!("INFO")),
        ("raiseOnError", json!(true)),
        ("provider", json!("user")),
        ("enabled", json!(true)),
        ("deployed", json!(false)),
    ] {
        doc.entry(key).or_insert(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::{Parent, parse};

    const SERVICE_ID: &str = "3f1c6a2e-8a0b-4c8e-9d7a-2b1e0c9d4f11";

    fn request() -> Value {
        json!({"name": "local_sqlite_metadata", "pipelineType": "metadata",
            "sourceConfig": {"config": {"type": "DatabaseMetadata"}}, "airflowConfig": {},
            "service": {"id": SERVICE_ID, "type": "databaseService"}})
    }

    #[test]
    fn the_clients_request_parses_with_its_service_by_id() {
        let draft = parse(Kind::IngestionPipeline, request()).unwrap();
        assert_eq!(draft.parent, Some(Parent::Id(SERVICE_ID.into())));
        assert_eq!(draft.fields["pipelineType"], "metadata");
        assert_eq!(draft.fqn(Some("local_sqlite")).unwrap(), "local_sqlite.local_sqlite_metadata");
        assert_eq!(draft.fqn(Some("\"my.svc\"")).unwrap(), "\"my.svc\".local_sqlite_metadata");
    }

    #[test]
    fn bad_requests_say_what_to_change() {
        let other_type = json!({"id": SERVICE_ID, "type": "messagingService"});
        // (field, its new value or None to leave it out, what the message says)
        let cases = [
            ("service", Some(json!("local_sqlite")), "service must be a reference to the databaseService by id"),
            (
                "service",
                Some(json!({"id": "nope", "type": "databaseService"})),
                "service.id must be the databaseService's id (a UUID)",
            ),
            ("service", Some(other_type), "Tessera keeps database services only"),
            ("service", None, "service is required in CreateIngestionPipelineRequest"),
            ("pipelineType", Some(json!("sofa")), "pipelineType \"sofa\" is not one of metadata, usage"),
            ("sourceConfig", None, "sourceConfig is required"),
            ("airflowConfig", None, "airflowConfig is required"),
            ("sourceConfig", Some(json!({"type": "x"})), "Unknown field type in sourceConfig"),
            ("airflowConfig", Some(json!({"cron": "x"})), "Unknown field cron in airflowConfig"),
            ("loggerLevel", Some(json!("LOUD")), "loggerLevel \"LOUD\" is not one of DEBUG"),
            ("serviceType", Some(json!("SQLite")), "Unknown field serviceType in CreateIngestionPipelineRequest"),
            ("domain", Some(json!("d")), "not supported by Tessera yet"),
        ];
        for (field, value, text) in cases {
            let mut body = request();
            match value {
                Some(value) => body[field] = value,
                None => drop(body.as_object_mut().unwrap().remove(field)),
            }
            let message = parse(Kind::IngestionPipeline, body).unwrap_err().to_string();
            assert!(message.contains(text), "{message:?} lacks {text:?}");
        }
    }

    #[test]
    fn the_config_type_comes_from_the_pipeline_type() {
        let mut body = request();
        body["sourceConfig"] = json!({"config": {"markDeletedTables": false}});
        let draft = parse(Kind::IngestionPipeline, body.clone()).unwrap();
        assert_eq!(draft.fields["sourceConfig"]["config"]["type"], "DatabaseMetadata");
        assert_eq!(draft.fields["sourceConfig"]["config"]["markDeletedTables"], false);
        body["pipelineType"] = json!("usage");
        let draft = parse(Kind::IngestionPipeline, body.clone()).unwrap();
        assert_eq!(draft.fields["sourceConfig"]["config"]["type"], "DatabaseUsage");
        body["sourceConfig"]["config"]["type"] = json!("DatabaseMetadata");
        let message = parse(Kind::IngestionPipeline, body).unwrap_err().to_string();
        assert!(message.contains("\"DatabaseMetadata\" contradicts pipelineType \"usage\""), "{message}");
        assert!(message.contains("set it to \"DatabaseUsage\""), "{message}");
    }

    #[test]
    fn defaults_fill_only_what_is_absent() {
        let mut doc = json!({"loggerLevel": "DEBUG"}).as_object().unwrap().clone();
        fill_defaults(&mut doc);
        assert_eq!(doc["loggerLevel"], "DEBUG");
        assert_eq!((doc["enabled"].clone(), doc["deployed"].clone()), (json!(true), json!(false)));
    }
}
