//! Create requests (`Create*Request` of 1.7) checked field by field: required fields present and
//! typed, value lists respected, nothing the 1.7 models do not know, messages that say what to
//! change.

use crate::column;
use crate::error::CatalogError;
use crate::fqn;
use crate::kind::Kind;
use serde_json::{Map, Value};

/// The 1.7 `databaseService.json#/definitions/databaseServiceType`.
pub const DATABASE_SERVICE_TYPES: &[&str] = &[
    "BigQuery",
    "BigTable",
    "Mysql",
    "Redshift",
    "Snowflake",
    "Postgres",
    "Mssql",
    "Oracle",
    "Athena",
    "Hive",
    "Impala",
    "Presto",
    "Trino",
    "Vertica",
    "Glue",
    "MariaDB",
    "Druid",
    "Db2",
    "Clickhouse",
    "Databricks",
    "AzureSQL",
    "DynamoDB",
    "SingleStore",
    "SQLite",
    "DeltaLake",
    "Salesforce",
    "PinotDB",
    "Datalake",
    "DomoDatabase",
    "QueryLog",
    "CustomDatabase",
    "Dbt",
    "SapHana",
    "MongoDB",
    "Cassandra",
    "Couchbase",
    "Greenplum",
    "Doris",
    "UnityCatalog",
    "SAS",
    "Iceberg",
    "Teradata",
    "SapErp",
    "Synapse",
    "Exasol",
    "Cockroach",
];

/// The 1.7 `storedProcedure.json` languages and types.
pub const STORED_PROCEDURE_LANGUAGES: &[&str] =
    &["SQL", "Java", "JavaScript", "Python", "External", "Scala", "Snowflake Scripting"];
pub const STORED_PROCEDURE_TYPES: &[&str] = &["StoredProcedure", "UDF", "StoredPackage", "Function"];

/// `{"code": "...", "language": "SQL"}`, nothing else (the 1.7 model forbids extra fields).
fn stored_procedure_code(value: &Value) -> bool {
    let Some(object) = value.as_object() else { return false };
    object.iter().all(|(key, v)| match key.as_str() {
        "code" => v.is_string(),
        "language" => v.as_str().is_some_and(|l| STORED_PROCEDURE_LANGUAGES.contains(&l)),
        _ => false,
    })
}

/// How a create request names its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parent {
    /// By FQN as sent (`service`, `database`, `databaseSchema` strings).
    Fqn(String),
    /// By the id of an `EntityReference` (an ingestion pipeline's `service`).
    Id(String),
}

/// A checked create request, before its parent is resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub kind: Kind,
    pub name: String,
    pub parent: Option<Parent>,
    /// `serviceType` of a service.
    pub service_type: Option<String>,
    /// The user fields to store, `columns` and `tableConstraints` still unchecked against the FQN.
    pub fields: Map<String, Value>,
}

pub(crate) fn request_name(kind: Kind) -> String {
    let mut chars = kind.name().chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase()).into_iter();
    format!("Create{}Request", first.chain(chars).collect::<String>())
}

fn invalid(message: String) -> CatalogError {
    CatalogError::Invalid(message)
}

/// Checks a request body; see [`Draft`].
pub fn parse(kind: Kind, body: Value) -> Result<Draft, CatalogError> {
    let Value::Object(mut body) = body else {
        return Err(invalid(format!("The request body must be a JSON object ({})", request_name(kind))));
    };
    let name = match body.remove("name") {
        Some(Value::String(name)) => name,
        Some(_) => return Err(invalid("name must be a string".into())),
        // A query is named by its text's checksum unless the request names it.
        None if kind == Kind::Query => crate::query::checksum(crate::query::text(&body)?),
        None => return Err(invalid(format!("name is required in {}", request_name(kind)))),
    };
    check_name(&name)?;
    let parent = match kind.parent_field() {
        None => None,
        Some(field) if kind.parent_by_reference() => {
            let parent_kind = kind.parent().expect("a kind with a parent field has a parent");
            Some(Parent::Id(crate::pipeline::parent_reference(body.remove(field), field, parent_kind, kind)?))
        }
        Some(field) => match body.remove(field) {
            Some(Value::String(parent)) if !parent.is_empty() => Some(Parent::Fqn(parent)),
            Some(_) => {
                return Err(invalid(format!("{field} must be the fully qualified name of the parent, as a string")));
            }
            None => {
                return Err(invalid(format!(
                    "{field} (the parent's fully qualified name) is required in {}",
                    request_name(kind)
                )));
            }
        },
    };
    let service_type = match kind {
        Kind::DatabaseService => Some(service_type(body.remove("serviceType"))?),
        _ => None,
    };
    if kind == Kind::StoredProcedure && !body.contains_key("storedProcedureCode") {
        return Err(invalid(
            "storedProcedureCode is required in CreateStoredProcedureRequest ({\"code\": \"...\", \"language\": \"SQL\"})"
                .into(),
        ));
    }
    if kind == Kind::Table && !body.contains_key("columns") {
        return Err(invalid("columns is required in CreateTableRequest (a list, possibly empty)".into()));
    }
    if kind == Kind::IngestionPipeline {
        crate::pipeline::check_required(&body)?;
    }
    crate::classification::check_required(kind, &body)?;
    if kind == Kind::Query {
        crate::query::text(&body)?;
    }
    let mut fields = Map::new();
    for (key, value) in body {
        if value.is_null() {
            continue;
        }
        if kind.unsupported_fields().contains(&key.as_str()) {
            return Err(invalid(format!("{key} is not supported by Tessera yet; leave it out of the request")));
        }
        let typed = kind == Kind::Table && matches!(key.as_str(), "columns" | "tableConstraints");
        if !typed && !kind.stored_fields().contains(&key.as_str()) {
            let mut known: Vec<&str> = vec!["name"];
            known.extend(kind.parent_field());
            known.extend(kind.stored_fields());
            return Err(invalid(format!(
                "Unknown field {key} in {}; its fields are: {}",
                request_name(kind),
                known.join(", ")
            )));
        }
        check_type(&key, &value)?;
        fields.insert(key, value);
    }
    // Typed configs whose discriminator the client leaves out when it is the default.
    if let (Some(connection), Some(service_type)) = (fields.get_mut("connection"), service_type.as_deref()) {
        crate::connection_type::complete(connection, service_type).map_err(invalid)?;
    }
    if kind == Kind::IngestionPipeline {
        crate::pipeline::complete_source_config(&mut fields)?;
    }
    if kind == Kind::Query {
        let checksum = crate::query::checksum(crate::query::text(&fields)?);
        fields.insert("checksum".into(), Value::String(checksum));
        // A request-only field: the 1.7 Query model has none, and the client refuses a query with one.
        fields.remove("dialect");
    }
    Ok(Draft { kind, name, parent, service_type, fields })
}

/// Names as the client allows them (it rewrites `::`, `>` and `"` before sending).
pub fn check_name(name: &str) -> Result<(), CatalogError> {
    if name.trim().is_empty() || name.chars().count() > 256 {
        return Err(invalid("name must have 1 to 256 characters, not only spaces".into()));
    }
    if name.contains("::") {
        return Err(invalid(format!("Invalid name {name:?}: \"::\" is reserved")));
    }
    fqn::quote_name(name)?;
    Ok(())
}

fn service_type(value: Option<Value>) -> Result<String, CatalogError> {
    match value {
        Some(Value::String(t)) if DATABASE_SERVICE_TYPES.contains(&t.as_str()) => Ok(t),
        Some(other) => Err(invalid(format!("serviceType {other} is not one of {}", DATABASE_SERVICE_TYPES.join(", ")))),
        None => Err(invalid("serviceType is required in CreateDatabaseServiceRequest (e.g. \"SQLite\")".into())),
    }
}

fn check_type(key: &str, value: &Value) -> Result<(), CatalogError> {
    if let Some(checked) = crate::pipeline::check_field(key, value) {
        return checked;
    }
    if let Some(checked) = crate::classification::check_field(key, value) {
        return checked;
    }
    if let Some(checked) = crate::query::check_field(key, value) {
        return checked;
    }
    match key {
        "tags" => return crate::labels::check_tags(value, key).map_err(invalid),
        "owners" => return crate::labels::check_owners(value, key).map_err(invalid),
        "connection" => return crate::connection_type::check(value).map_err(invalid),
        _ => {}
    }
    let ok = match key {
        "displayName" | "description" | "schemaDefinition" | "sourceHash" | "sourceUrl" | "fileFormat" => {
            value.is_string()
        }
        "tableType" => value.as_str().is_some_and(|t| column::TABLE_TYPES.contains(&t)),
        "storedProcedureCode" => stored_procedure_code(value),
        "storedProcedureType" => value.as_str().is_some_and(|t| STORED_PROCEDURE_TYPES.contains(&t)),
        "columns" | "tableConstraints" => value.is_array(),
        "default" => value.is_boolean(),
        "retentionPeriod" | "locationPath" => value.is_string(),
        _ => true,
    };
    if ok {
        return Ok(());
    }
    Err(invalid(match key {
        "tableType" => format!("tableType {value} is not one of {}", column::TABLE_TYPES.join(", ")),
        "columns" | "tableConstraints" => format!("{key} must be a list"),
        "default" => format!("{key} must be true or false"),
        "storedProcedureCode" => format!(
            "{key} must be an object with a string code and an optional language ({})",
            STORED_PROCEDURE_LANGUAGES.join(", ")
        ),
        "storedProcedureType" => format!("{key} {value} is not one of {}", STORED_PROCEDURE_TYPES.join(", ")),
        _ => format!("{key} must be a string"),
    }))
}

impl Draft {
    /// The entity's FQN under its (resolved) parent's FQN.
    pub fn fqn(&self, parent_fqn: Option<&str>) -> Result<String, CatalogError> {
        Ok(match parent_fqn {
            Some(parent) => fqn::child(parent, &self.name)?,
            None => fqn::quote_name(&self.name)?,
        })
    }

    /// The user fields with columns typed and their FQNs set under `fqn`.
    pub fn user_fields(&self, fqn: &str) -> Result<Map<String, Value>, CatalogError> {
        // A table's columns and constraints are rebuilt from their typed form below: not copied.
        let typed = |key: &str| self.kind == Kind::Table && matches!(key, "columns" | "tableConstraints");
        let mut fields: Map<String, Value> =
            self.fields.iter().filter(|(k, _)| !typed(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        if self.kind == Kind::Table {
            let columns = column::columns(self.fields.get("columns").unwrap_or(&Value::Null), fqn).map_err(invalid)?;
            if let Some(constraints) = self.fields.get("tableConstraints") {
                let constraints = column::constraints(constraints, &columns).map_err(invalid)?;
                fields.insert("tableConstraints".into(), serde_json::to_value(constraints).expect("serialises"));
            }
            fields.insert("columns".into(), serde_json::to_value(columns).expect("serialises"));
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_observed_requests_parse() {
        let service = json!({"name": "local_sqlite", "serviceType": "SQLite",
            "connection": {"config": {"type": "SQLite", "password": "secret"}}});
        let draft = parse(Kind::DatabaseService, service).unwrap();
        assert_eq!(draft.service_type.as_deref(), Some("SQLite"));
        assert_eq!(draft.fields["connection"]["config"]["type"], "SQLite", "kept (sealed by the catalog)");
        let table = json!({"name": "big_orders", "tableType": "View", "columns": [{"name": "id", "dataType": "INT"}],
            "tableConstraints": [], "databaseSchema": "local_sqlite.sample.main", "schemaDefinition": "SELECT 1",
            "sourceHash": "abc"});
        let draft = parse(Kind::Table, table).unwrap();
        assert_eq!(draft.parent, Some(Parent::Fqn("local_sqlite.sample.main".into())));
        let fqn = draft.fqn(Some("local_sqlite.sample.main")).unwrap();
        let fields = draft.user_fields(&fqn).unwrap();
        assert_eq!(fields["columns"][0]["fullyQualifiedName"], "local_sqlite.sample.main.big_orders.id");
        assert_eq!(fields["schemaDefinition"], "SELECT 1");
    }

    #[test]
    fn bad_requests_say_what_to_change() {
        let err = |kind, v: Value| parse(kind, v).unwrap_err().to_string();
        assert!(
            err(Kind::Database, json!({"name": "d"}))
                .contains("service (the parent's fully qualified name) is required")
        );
        assert!(err(Kind::Database, json!({"service": "s"})).contains("name is required in CreateDatabaseRequest"));
        assert!(err(Kind::DatabaseService, json!({"name": "s"})).contains("serviceType is required"));
        assert!(err(Kind::DatabaseService, json!({"name": "s", "serviceType": "Nope"})).contains("is not one of"));
        let service = |c: Value| json!({"name": "s", "serviceType": "Postgres", "connection": c});
        assert!(
            err(Kind::DatabaseService, service(json!({"config": {"type": "Mysql"}})))
                .contains("connection.config.type \"Mysql\" contradicts serviceType \"Postgres\"")
        );
        let built_in_code = parse(Kind::DatabaseService, service(json!({"config": {"password": "x"}}))).unwrap();
        assert_eq!(built_in_code.fields["connection"]["config"]["type"], "Postgres", "taken from serviceType");
        assert!(err(Kind::DatabaseService, service(json!([]))).contains("connection must be an object"));
        assert!(err(Kind::Table, json!({"name": "t", "databaseSchema": "a.b.c"})).contains("columns is required"));
        let unknown = err(Kind::DatabaseSchema, json!({"name": "m", "database": "s.d", "colour": 1}));
        assert!(
            unknown.contains("Unknown field colour in CreateDatabaseSchemaRequest; its fields are: name, database"),
            "{unknown}"
        );
        assert!(
            err(Kind::Database, json!({"name": "d", "service": "s", "domain": "x"}))
                .contains("not supported by Tessera yet")
        );
        assert!(err(Kind::Database, json!({"name": "a::b", "service": "s"})).contains("reserved"));
        assert!(err(Kind::Database, json!({"name": "q\"x", "service": "s"})).contains("double quote"));
        assert!(err(Kind::Database, json!({"name": "  ", "service": "s"})).contains("1 to 256"));
        assert!(
            err(Kind::Table, json!({"name": "t", "databaseSchema": "a.b.c", "columns": [], "tableType": "Sofa"}))
                .contains("tableType")
        );
        assert!(err(Kind::Database, json!([1])).contains("JSON object"));
        let procedure = |code: Value| json!({"name": "p", "databaseSchema": "a.b.c", "storedProcedureCode": code});
        assert!(parse(Kind::StoredProcedure, procedure(json!({"code": "select 1", "language": "SQL"}))).is_ok());
        assert!(err(Kind::StoredProcedure, json!({"name": "p", "databaseSchema": "a.b.c"})).contains("required"));
        assert!(err(Kind::StoredProcedure, procedure(json!({"code": 1}))).contains("storedProcedureCode must be"));
        assert!(
            err(Kind::StoredProcedure, procedure(json!({"code": "x", "language": "Cobol"})))
                .contains("storedProcedureCode must be")
        );
    }
}
