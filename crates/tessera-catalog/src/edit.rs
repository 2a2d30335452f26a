//! What an edit changes, for the authorizer to decide on before anything is written: the changed
//! fields (`description`, `columns.<name>.displayName`, `tags`, ...) and the tag labels added or
//! removed anywhere in the entity. PUT and PATCH describe their edits the same way; the mapping
//! from fields to operations is the authorizer's (`tessera_authz::edit`).

use crate::change::Changes;
use serde_json::{Map, Value};

/// A tag label added or removed by an edit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TagChange {
    pub tag_fqn: String,
    /// `Classification` or `Glossary`.
    pub source: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edit {
    /// Changed field paths; a column's field is the last part of `columns.<name>.<field>`.
    pub fields: Vec<String>,
    pub tags: Vec<TagChange>,
    /// What conditions may ask about the entity as stored before the edit.
    pub entity: EntityFacts,
}

/// The stored entity's owners and tags, for conditions such as `isOwner()` and `matchAnyTag()`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityFacts {
    /// (`user` | `team`, name) of each owner.
    pub owners: Vec<(String, String)>,
    /// The tag FQNs on the entity itself.
    pub tags: Vec<String>,
}

impl EntityFacts {
    pub fn of(fields: &Map<String, Value>) -> EntityFacts {
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let list = |key: &str| fields.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
        EntityFacts {
            owners: list("owners").iter().map(|o| (text(o, "type"), text(o, "name"))).collect(),
            tags: list("tags").iter().map(|t| text(t, "tagFQN")).collect(),
        }
    }
}

/// The authorizer's side: whether the caller may make an edit (`Err` is the refusal's message).
pub trait EditGate: Send + Sync {
    fn allow(&self, edit: &Edit) -> Result<(), String>;

    /// Whether the decision on `edit` depends on who owns the entity (then an asset without owners
    /// of its own is asked about with the owners it inherits).
    fn needs_owners(&self, _edit: &Edit) -> bool {
        false
    }
}

/// Allows every edit (tests, and callers the authorizer does not check).
pub struct AnyEdit;

impl EditGate for AnyEdit {
    fn allow(&self, _: &Edit) -> Result<(), String> {
        Ok(())
    }
}

impl Edit {
    /// Every field at once: what a PUT on an existing entity needs first (`EditAll`), before
    /// anything is compared.
    pub fn everything(stored: &Map<String, Value>) -> Edit {
        Edit { fields: vec!["*".into()], tags: Vec::new(), entity: EntityFacts::of(stored) }
    }

    /// The edit from `old` to `new` (user fields, as stored), with `changes` their difference.
    pub fn between(old: &Map<String, Value>, new: &Map<String, Value>, changes: &Changes) -> Edit {
        let mut fields: Vec<String> = [&changes.added, &changes.updated, &changes.deleted]
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str())
            .map(field_of)
            .collect();
        fields.sort();
        fields.dedup();
        let (mut before, mut after) = (Vec::new(), Vec::new());
        labels(&Value::Object(old.clone()), &mut before);
        labels(&Value::Object(new.clone()), &mut after);
        let mut tags: Vec<TagChange> = before
            .iter()
            .filter(|l| !after.contains(l))
            .chain(after.iter().filter(|l| !before.contains(l)))
            .cloned()
            .collect();
        tags.sort();
        tags.dedup();
        Edit { fields, tags, entity: EntityFacts::of(old) }
    }
}

/// The field a change names: itself, or for a column's field (`columns.<name>.<field>`, names may
/// hold dots) the last part; `columns` alone is the column list.
fn field_of(name: &str) -> String {
    match name.strip_prefix("columns.") {
        Some(rest) => rest.rsplit('.').next().unwrap_or(rest).to_string(),
        None => name.to_string(),
    }
}

/// Every tag label in `tags` arrays anywhere in the document.
fn labels(value: &Value, out: &mut Vec<TagChange>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "tags"
                    && let Value::Array(items) = child
                {
                    for label in items {
                        let text = |k: &str| label.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                        out.push(TagChange { tag_fqn: text("tagFQN"), source: text("source") });
                    }
                } else {
                    labels(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| labels(i, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn fields_and_tag_labels_of_an_edit() {
        let old = map(json!({"description": "a", "columns": [
            {"name": "my.description", "dataType": "INT", "displayName": "x"},
            {"name": "b", "dataType": "INT", "tags": [{"tagFQN": "PII.None", "source": "Classification"}]}]}));
        let new = map(json!({"description": "b", "columns": [
            {"name": "my.description", "dataType": "INT", "displayName": "y"},
            {"name": "b", "dataType": "INT", "tags": [{"tagFQN": "Tier.Tier1", "source": "Classification"}]}]}));
        let edit = Edit::between(&old, &new, &crate::change::diff(&old, &new));
        assert_eq!(
            edit.fields,
            ["description", "displayName", "tags"],
            "a column named like a field is not that field"
        );
        let fqns: Vec<&str> = edit.tags.iter().map(|t| t.tag_fqn.as_str()).collect();
        assert_eq!(fqns, ["PII.None", "Tier.Tier1"], "added and removed labels");
        assert_eq!(Edit::everything(&old).fields, ["*"]);
        let owned =
            map(json!({"owners": [{"id": "1", "type": "team", "name": "analysts"}], "tags": [{"tagFQN": "PII.None"}]}));
        let facts = Edit::everything(&owned).entity;
        assert_eq!(
            (facts.owners, facts.tags),
            (vec![("team".into(), "analysts".into())], vec!["PII.None".to_string()])
        );
    }
}
