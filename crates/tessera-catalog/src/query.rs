//! Queries (1.7 `CreateQuery`): SQL a service ran, named by default by the MD5 checksum of its
//! text as sent (the client masks literals first), so `<service>.<checksum>` is its FQN; the
//! users who ran it and the assets it mentions (`queryUsedIn`) resolved to references before
//! anything is stored (404 naming an unknown one), as 1.7 resolves them.

use crate::error::CatalogError;
use crate::kind::Kind;
use crate::list::Include;
use crate::service::Catalog;
use md5::{Digest, Md5};
use serde_json::{Map, Value};

fn invalid(message: String) -> CatalogError {
    CatalogError::Invalid(message)
}

/// Lowercase hex MD5 of the query text, as 1.7 names and checks queries.
pub(crate) fn checksum(query: &str) -> String {
    Md5::digest(query.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The query text of a request: required, a string.
pub(crate) fn text(body: &Map<String, Value>) -> Result<&str, CatalogError> {
    body.get("query")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("query is required in CreateQuery (the SQL text, as a string)".into()))
}

/// The id (or else the name) of a user reference.
fn user_key(reference: &Value) -> Option<&str> {
    reference.get("id").or_else(|| reference.get("name")).and_then(Value::as_str)
}

/// The type checks of the fields only queries have; `None` for other fields.
pub(crate) fn check_field(key: &str, value: &Value) -> Option<Result<(), CatalogError>> {
    let strings = |v: &Value| v.as_array().is_some_and(|items| items.iter().all(Value::is_string));
    let ok = match key {
        "query" | "query_type" | "dialect" | "checksum" => value.is_string(),
        "exclude_usage" | "processedLineage" => value.is_boolean(),
        "duration" => value.is_number(),
        "queryDate" => value.is_i64(),
        "usedBy" => strings(value),
        // Names as sent; references as stored (a PATCH sends back what it read).
        "users" => value.as_array().is_some_and(|items| items.iter().all(|i| i.is_string() || user_key(i).is_some())),
        "queryUsedIn" => value.as_array().is_some_and(|items| {
            items
                .iter()
                .all(|i| i.get("id").is_some_and(Value::is_string) && i.get("type").is_some_and(Value::is_string))
        }),
        _ => return None,
    };
    Some(if ok {
        Ok(())
    } else {
        Err(invalid(match key {
            "users" => "users must be a list of user names (or user references)".into(),
            "usedBy" => "usedBy must be a list of strings".into(),
            "queryUsedIn" => {
                "queryUsedIn must be a list of entity references ({\"id\": \"<uuid>\", \"type\": \"table\"})".into()
            }
            "duration" => "duration must be a number (milliseconds)".into(),
            "queryDate" => "queryDate must be a whole number (milliseconds since the epoch)".into(),
            "exclude_usage" | "processedLineage" => format!("{key} must be true or false"),
            _ => format!("{key} must be a string"),
        }))
    })
}

impl Catalog {
    /// A query's `users` (names or ids) and `queryUsedIn` (`{id, type}`) as full references.
    pub(crate) async fn resolve_query_references(&self, fields: &mut Map<String, Value>) -> Result<(), CatalogError> {
        if let Some(Value::Array(users)) = fields.get("users").cloned() {
            let mut resolved = Vec::with_capacity(users.len());
            for user in &users {
                let key = user.as_str().or_else(|| user_key(user)).unwrap_or_default();
                resolved.push(self.user_reference(key.trim_matches('"')).await?);
            }
            fields.insert("users".into(), Value::Array(resolved));
        }
        if let Some(Value::Array(assets)) = fields.get("queryUsedIn").cloned() {
            let mut resolved = Vec::with_capacity(assets.len());
            for asset in &assets {
                let (id, type_name) =
                    (asset["id"].as_str().unwrap_or_default(), asset["type"].as_str().unwrap_or_default());
                let kind =
                    Kind::parse(type_name).filter(|k| crate::lineage::LINEAGE_KINDS.contains(k)).ok_or_else(|| {
                        invalid(format!("queryUsedIn: Tessera keeps queries of data assets, not {type_name:?}"))
                    })?;
                resolved.push(self.by_id(kind, id, Include::NonDeleted).await?.reference());
            }
            fields.insert("queryUsedIn".into(), Value::Array(resolved));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn checksums_and_field_checks() {
        assert_eq!(checksum("select 1"), "95adb6e77a0884d9e50232cb8c5c969d");
        assert_eq!(checksum(""), "d41d8cd98f00b204e9800998ecf8427e");
        assert!(check_field("users", &json!(["admin"])).unwrap().is_ok());
        assert!(check_field("users", &json!([1])).unwrap().is_err());
        assert!(check_field("queryUsedIn", &json!([{"id": "x", "type": "table"}])).unwrap().is_ok());
        assert!(check_field("queryUsedIn", &json!([{"id": "x"}])).unwrap().is_err());
        assert!(check_field("queryDate", &json!(1.5)).unwrap().is_err());
        assert!(check_field("description", &json!("x")).is_none());
    }
}
