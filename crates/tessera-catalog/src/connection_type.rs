//! A service's connection read as its type, as the original reads it: the original converts
//! `connection.config` into the connection class its `serviceType` names, so a config without
//! `type` takes it from `serviceType`, one whose `type` names another class is refused, and the
//! class's defaults are filled in. The official client leaves out every field still at its
//! default when it serialises (`type` included), so a connection built in code arrives without
//! them.
//!
//! The table (`connection_types.json`) is generated from the 1.7 client's models by
//! `scripts/gen_connection_types.py`.

use serde_json::{Map, Value};
use std::sync::LazyLock;

/// A service type's connection `type` and the top-level defaults of its class.
struct ConnectionType {
    name: String,
    defaults: Map<String, Value>,
}

static TYPES: LazyLock<Map<String, Value>> = LazyLock::new(|| {
    let table: Value =
        serde_json::from_str(include_str!("connection_types.json")).expect("connection_types.json parses");
    table["serviceTypes"].as_object().expect("serviceTypes is an object").clone()
});

fn connection_type(service_type: &str) -> ConnectionType {
    let entry = TYPES.get(service_type);
    let name = entry.and_then(|e| e["type"].as_str()).unwrap_or(service_type).to_string();
    let defaults = entry.and_then(|e| e["defaults"].as_object()).cloned().unwrap_or_default();
    ConnectionType { name, defaults }
}

/// Every database service type the table knows (the 1.7 `databaseServiceType`).
pub fn service_types() -> impl Iterator<Item = &'static str> {
    TYPES.keys().map(String::as_str)
}

const EXAMPLE: &str = r#"{"config": {"username": "...", "hostPort": "..."}}"#;

/// The shape every connection has: `{"config": {...}}`, `type` a string when present.
pub fn check(value: &Value) -> Result<(), String> {
    let Some(connection) = value.as_object() else {
        return Err(format!("connection must be an object such as {EXAMPLE}"));
    };
    let Some(Value::Object(config)) = connection.get("config") else {
        return Err(format!("connection.config must be an object with the connection's settings, such as {EXAMPLE}"));
    };
    match config.get("type") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(t)) if !t.is_empty() => Ok(()),
        Some(other) => Err(format!(
            "connection.config.type must be a string naming the connection type (or left out to take it from \
             serviceType), not {other}"
        )),
    }
}

/// Completes a checked connection for `service_type`: `type` from the service type when absent
/// (refused when it names another type), the type's defaults where fields are absent, and the
/// defaulted discriminators of nested credentials (see [`complete_credentials`]).
pub fn complete(connection: &mut Value, service_type: &str) -> Result<(), String> {
    let wanted = connection_type(service_type);
    let Some(config) = connection.get_mut("config").and_then(Value::as_object_mut) else {
        return Err(format!("connection.config must be an object with the connection's settings, such as {EXAMPLE}"));
    };
    match config.get("type").and_then(Value::as_str) {
        Some(given) if given != wanted.name => {
            return Err(format!(
                "connection.config.type \"{given}\" contradicts serviceType \"{service_type}\": a {service_type} \
                 service takes a {} connection; leave type out or set it to \"{}\"",
                wanted.name, wanted.name
            ));
        }
        _ => {
            config.insert("type".into(), Value::String(wanted.name.clone()));
        }
    }
    for (key, value) in wanted.defaults {
        if config.get(&key).is_none_or(Value::is_null) {
            config.insert(key, value);
        }
    }
    complete_credentials(connection);
    Ok(())
}

/// Google Cloud credentials (`gcpConfig`, at any depth: BigQuery's `credentials`, a data lake's
/// or dbt's GCS source) are one of four classes told apart by a `type` each defaults: a path to
/// a key file, an external account, or (the original tries it first) the key's values.
pub fn complete_credentials(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "gcpConfig"
                    && let Value::Object(gcp) = child
                    && gcp.get("type").is_none_or(Value::is_null)
                {
                    gcp.insert("type".into(), Value::String(gcp_type(gcp).into()));
                }
                complete_credentials(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(complete_credentials),
        _ => {}
    }
}

/// The 1.7 `gcpCredentials.json` class a `gcpConfig` without `type` reads as.
fn gcp_type(gcp: &Map<String, Value>) -> &'static str {
    const EXTERNAL: &[&str] = &["externalType", "audience", "subjectTokenType", "tokenURL", "credentialSource"];
    if gcp.contains_key("path") {
        "gcp_credential_path"
    } else if EXTERNAL.iter().any(|k| gcp.contains_key(*k)) {
        "external_account"
    } else {
        "service_account"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn completed(mut connection: Value, service_type: &str) -> Result<Value, String> {
        check(&connection)?;
        complete(&mut connection, service_type).map(|()| connection)
    }

    #[test]
    fn a_missing_type_comes_from_the_service_type_with_the_defaults() {
        let config = json!({"config": {"username": "u", "hostPort": "h:3306", "authType": {"password": "p"}}});
        let done = completed(config, "Mysql").unwrap();
        let config = &done["config"];
        assert_eq!(config["type"], "Mysql");
        assert_eq!(config["scheme"], "mysql+pymysql");
        assert_eq!(config["supportsMetadataExtraction"], true);
        assert_eq!(config["username"], "u", "sent fields kept");
        assert!(config.get("databaseName").is_none(), "no default, nothing added");
    }

    #[test]
    fn sent_values_win_over_defaults_and_a_matching_type_is_kept() {
        let done =
            completed(json!({"config": {"type": "Mysql", "scheme": "other", "hostPort": "h"}}), "Mysql").unwrap();
        assert_eq!(done["config"]["scheme"], "other");
    }

    #[test]
    fn a_contradicting_type_is_refused_naming_both() {
        let err = completed(json!({"config": {"type": "Postgres"}}), "Mysql").unwrap_err();
        assert!(err.contains("\"Postgres\" contradicts serviceType \"Mysql\""), "{err}");
        assert!(err.contains("set it to \"Mysql\""), "{err}");
    }

    #[test]
    fn types_without_a_model_take_the_service_type() {
        assert_eq!(completed(json!({"config": {}}), "QueryLog").unwrap()["config"]["type"], "QueryLog");
    }

    #[test]
    fn shapes_are_checked() {
        assert!(check(&json!("x")).unwrap_err().starts_with("connection must be an object"));
        assert!(check(&json!({"config": 1})).unwrap_err().starts_with("connection.config must be an object"));
        assert!(check(&json!({"config": {"type": 3}})).unwrap_err().starts_with("connection.config.type must be"));
        assert!(check(&json!({"config": {}})).is_ok());
    }

    #[test]
    fn google_credentials_get_the_type_their_fields_name() {
        let done = completed(
            json!({"config": {"credentials": {"gcpConfig": {"projectId": "p", "privateKey": "k"}}}}),
            "BigQuery",
        )
        .unwrap();
        assert_eq!(done["config"]["credentials"]["gcpConfig"]["type"], "service_account");
        let mut path = json!({"a": [{"gcpConfig": {"path": "/k.json"}}], "gcpConfig": {"audience": "x"}});
        complete_credentials(&mut path);
        assert_eq!(path["a"][0]["gcpConfig"]["type"], "gcp_credential_path");
        assert_eq!(path["gcpConfig"]["type"], "external_account");
        let mut typed = json!({"gcpConfig": {"type": "gcp_adc"}});
        complete_credentials(&mut typed);
        assert_eq!(typed["gcpConfig"]["type"], "gcp_adc", "a given type is kept");
    }

    #[test]
    fn the_table_covers_every_service_type() {
        let mut known: Vec<&str> = service_types().collect();
        let mut listed = crate::create::DATABASE_SERVICE_TYPES.to_vec();
        known.sort_unstable();
        listed.sort_unstable();
        assert_eq!(known, listed);
    }
}
