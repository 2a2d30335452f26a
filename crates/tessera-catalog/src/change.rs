//! What changed between two versions of an entity (`changeDescription`), the next version number,
//! and how a create-or-update request merges into what is stored.

use serde_json::{Map, Value, json};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub added: Vec<Value>,
    pub updated: Vec<Value>,
    pub deleted: Vec<Value>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.updated.is_empty() && self.deleted.is_empty()
    }

    /// The 1.7 `ChangeDescription`.
    pub fn describe(&self, previous_version: f64) -> Value {
        json!({
            "fieldsAdded": self.added,
            "fieldsUpdated": self.updated,
            "fieldsDeleted": self.deleted,
            "previousVersion": previous_version,
        })
    }

    pub fn updated(&mut self, name: &str, old: &Value, new: &Value) {
        self.updated.push(json!({"name": name, "oldValue": as_text(old), "newValue": as_text(new)}));
    }
}

/// `FieldChange` values are JSON text (a string stays as it is), as the original writes them.
fn as_text(value: &Value) -> Value {
    match value {
        Value::String(_) => value.clone(),
        other => Value::String(other.to_string()),
    }
}

/// A PUT keeps stored fields the request leaves out, and column descriptions, display names and
/// tags the request leaves empty (the ingestion client never sends what people edited).
pub fn merge(stored: &Map<String, Value>, incoming: Map<String, Value>) -> Map<String, Value> {
    let mut out = stored.clone();
    for (key, mut value) in incoming {
        if key == "columns"
            && let (Some(Value::Array(old)), Value::Array(new)) = (stored.get("columns"), &mut value)
        {
            keep_column_edits(old, new);
        }
        out.insert(key, value);
    }
    out
}

fn keep_column_edits(old: &[Value], new: &mut [Value]) {
    for column in new.iter_mut() {
        let Some(previous) = old.iter().find(|o| o.get("name") == column.get("name")) else { continue };
        for key in ["description", "displayName"] {
            if column.get(key).is_none()
                && let Some(kept) = previous.get(key)
            {
                column[key] = kept.clone();
            }
        }
        if column.get("tags").is_none_or(|t| t.as_array().is_some_and(Vec::is_empty))
            && let Some(tags) = previous.get("tags").filter(|t| t.as_array().is_some_and(|a| !a.is_empty()))
        {
            column["tags"] = tags.clone();
        }
        if let (Some(Value::Array(old_children)), Some(Value::Array(new_children))) =
            (previous.get("children").cloned(), column.get_mut("children"))
        {
            keep_column_edits(&old_children, new_children);
        }
    }
}

/// Fields whose values never go into a change description (they hold secrets): a change is
/// recorded as updated with the original's placeholders, whatever it was.
pub const OPAQUE_FIELDS: &[&str] = &["connection"];

fn opaque_change(key: &str) -> Value {
    json!({"name": key, "oldValue": "\"old-encrypted-value\"", "newValue": "\"new-encrypted-value\""})
}

/// Field by field; columns by name (`columns.<name>.<field>` for a changed column's field).
pub fn diff(old: &Map<String, Value>, new: &Map<String, Value>) -> Changes {
    let mut changes = Changes::default();
    for key in OPAQUE_FIELDS {
        if old.get(*key) != new.get(*key) {
            changes.updated.push(opaque_change(key));
        }
    }
    for (key, value) in new.iter().filter(|(k, _)| !OPAQUE_FIELDS.contains(&k.as_str())) {
        match old.get(key) {
            None => changes.added.push(json!({"name": key, "newValue": as_text(value)})),
            Some(previous) if previous == value => {}
            Some(previous) if key == "columns" => diff_columns(previous, value, "columns", &mut changes),
            Some(previous) => changes.updated(key, previous, value),
        }
    }
    for (key, value) in old.iter().filter(|(k, _)| !OPAQUE_FIELDS.contains(&k.as_str())) {
        if !new.contains_key(key) {
            changes.deleted.push(json!({"name": key, "oldValue": as_text(value)}));
        }
    }
    changes
}

fn diff_columns(old: &Value, new: &Value, path: &str, changes: &mut Changes) {
    let count = |c: &Changes| c.added.len() + c.updated.len() + c.deleted.len();
    let found_before = count(changes);
    let (empty_old, empty_new) = (vec![], vec![]);
    let old = old.as_array().unwrap_or(&empty_old);
    let new = new.as_array().unwrap_or(&empty_new);
    let named = |list: &[Value], name: &Value| list.iter().find(|c| c.get("name") == Some(name)).cloned();
    let added: Vec<Value> = new.iter().filter(|c| named(old, &c["name"]).is_none()).cloned().collect();
    let deleted: Vec<Value> = old.iter().filter(|c| named(new, &c["name"]).is_none()).cloned().collect();
    if !added.is_empty() {
        changes.added.push(json!({"name": path, "newValue": Value::Array(added).to_string()}));
    }
    if !deleted.is_empty() {
        changes.deleted.push(json!({"name": path, "oldValue": Value::Array(deleted).to_string()}));
    }
    for column in new {
        let name = &column["name"];
        let Some(previous) = named(old, name) else { continue };
        if &previous == column {
            continue;
        }
        let prefix = format!("{path}.{}", name.as_str().unwrap_or_default());
        let (Some(before), Some(after)) = (previous.as_object(), column.as_object()) else { continue };
        let mut inner = diff(before, after);
        // Nested columns are reported under the column's own path.
        for list in [&mut inner.added, &mut inner.updated, &mut inner.deleted] {
            for change in list.iter_mut() {
                let field = change["name"].as_str().unwrap_or_default().to_string();
                if field == "children" {
                    continue;
                }
                change["name"] = json!(format!("{prefix}.{field}"));
            }
            list.retain(|c| c["name"] != "children");
        }
        if let (Some(a), Some(b)) = (before.get("children"), after.get("children"))
            && a != b
        {
            diff_columns(a, b, &prefix, &mut inner);
        }
        changes.added.extend(inner.added);
        changes.updated.extend(inner.updated);
        changes.deleted.extend(inner.deleted);
    }
    // Same columns, other order: still a change worth a version.
    if count(changes) == found_before && old != new {
        changes.updated.push(json!({"name": path, "oldValue": Value::Array(old.to_vec()).to_string(),
            "newValue": Value::Array(new.to_vec()).to_string()}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn field_and_column_changes() {
        let old = map(json!({"description": "a", "tableType": "Regular", "sourceHash": "1",
            "columns": [{"name": "id", "dataType": "INT"}, {"name": "gone", "dataType": "INT"}]}));
        let new = map(json!({"description": "b", "tableType": "Regular", "schemaDefinition": "x",
            "columns": [{"name": "id", "dataType": "BIGINT"}, {"name": "phone", "dataType": "TEXT"}]}));
        let changes = diff(&old, &new);
        let names = |l: &[Value]| l.iter().map(|c| c["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
        assert_eq!(names(&changes.added), ["columns", "schemaDefinition"]);
        assert_eq!(names(&changes.updated), ["columns.id.dataType", "description"]);
        assert_eq!(names(&changes.deleted), ["columns", "sourceHash"]);
        assert_eq!(changes.updated[0]["oldValue"], "INT");
        assert!(changes.added[0]["newValue"].as_str().unwrap().contains("phone"));
        assert!(diff(&old, &old).is_empty());
        let described = changes.describe(0.1);
        assert_eq!(described["previousVersion"], 0.1);
    }

    #[test]
    fn connections_never_appear_in_changes() {
        let old = map(json!({"connection": {"config": {"type": "Postgres", "password": "fernet:a"}}}));
        let new = map(json!({"connection": {"config": {"type": "Postgres", "password": "fernet:b"}}}));
        let changes = diff(&old, &new);
        assert_eq!(changes.updated, vec![opaque_change("connection")]);
        assert!(changes.added.is_empty() && changes.deleted.is_empty());
        assert!(!serde_json::to_string(&changes.describe(0.1)).unwrap().contains("fernet"));
        assert_eq!(diff(&map(json!({})), &new).updated, vec![opaque_change("connection")], "added");
        assert_eq!(diff(&new, &map(json!({}))).updated, vec![opaque_change("connection")], "removed");
        assert!(diff(&new, &new).is_empty());
    }

    #[test]
    fn nested_column_changes_name_their_path() {
        let old = map(
            json!({"columns": [{"name": "s", "dataType": "STRUCT", "children": [{"name": "a", "dataType": "INT"}]}]}),
        );
        let new = map(
            json!({"columns": [{"name": "s", "dataType": "STRUCT", "children": [{"name": "a", "dataType": "TEXT"}]}]}),
        );
        let changes = diff(&old, &new);
        assert_eq!(changes.updated.len(), 1, "{changes:?}");
        assert_eq!(changes.updated[0]["name"], "columns.s.a.dataType");
    }

    #[test]
    fn a_put_keeps_what_people_edited() {
        let stored = map(json!({"description": "kept", "columns": [{"name": "id", "dataType": "INT",
            "description": "the key", "tags": [{"tagFQN": "PII.None"}]}]}));
        let incoming = map(json!({"columns": [{"name": "id", "dataType": "INT", "tags": []}], "sourceHash": "2"}));
        let merged = merge(&stored, incoming);
        assert_eq!(merged["description"], "kept");
        assert_eq!(merged["columns"][0]["description"], "the key");
        assert_eq!(merged["columns"][0]["tags"][0]["tagFQN"], "PII.None");
        assert_eq!(merged["sourceHash"], "2");
    }
}
