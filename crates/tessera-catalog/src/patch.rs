//! `PATCH`: an RFC 6902 JSON Patch applied to the entity as the API shows it (`fields=*`), the
//! result checked like a PUT's request (typed columns and constraints, known fields, tag and owner
//! shapes) and written as the next version. Fields the server owns cannot be changed.

use crate::change::{self, Changes};
use crate::create;
use crate::entity::{Entity, Fields, SYSTEM_FIELDS, render};
use crate::error::CatalogError;
use crate::kind::Kind;
use crate::list::Include;
use crate::service::{Catalog, Outcome, WRITE_ATTEMPTS};
use json_patch::PatchOperation;
use serde_json::{Map, Value, json};
use tessera_store::StoreError;

const EXAMPLE: &str = r#"[{"op": "replace", "path": "/description", "value": "..."}]"#;

fn invalid(message: String) -> CatalogError {
    CatalogError::Invalid(message)
}

/// The body as a list of operations; what is wrong with it names the operation's index.
pub fn parse(body: Value) -> Result<Vec<PatchOperation>, CatalogError> {
    let Value::Array(items) = body else {
        return Err(invalid(format!(
            "The PATCH body must be a JSON Patch (RFC 6902): a list of operations such as {EXAMPLE}, \
             sent as application/json-patch+json"
        )));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value(item).map_err(|e| {
                invalid(format!(
                    "Patch operation {i} is not valid: {e}; each operation is an object with \"op\" \
                     (add, remove, replace, move, copy or test), \"path\" (a JSON pointer such as \
                     /columns/0/tags) and, for add, replace and test, \"value\""
                ))
            })
        })
        .collect()
}

/// Applies `ops` to `doc`; a failure names the operation and what to change.
pub fn apply(doc: &Value, ops: &[PatchOperation]) -> Result<Value, CatalogError> {
    let mut patched = doc.clone();
    // On failure the document is left as it was when the operation failed, which explains it.
    if let Err(error) = json_patch::patch_unsafe(&mut patched, ops) {
        let i = error.operation;
        let (op, from) = match ops.get(i) {
            Some(PatchOperation::Add(_)) => ("add", None),
            Some(PatchOperation::Remove(_)) => ("remove", None),
            Some(PatchOperation::Replace(_)) => ("replace", None),
            Some(PatchOperation::Move(m)) => ("move", Some(m.from.as_str())),
            Some(PatchOperation::Copy(c)) => ("copy", Some(c.from.as_str())),
            Some(PatchOperation::Test(_)) => ("test", None),
            None => ("?", None),
        };
        let path = error.path.as_str();
        use json_patch::PatchErrorKind as K;
        let why = match error.kind {
            K::TestFailed => format!(
                "the value at {path} differs from the test's value (if the entity changed meanwhile, read \
                 it again and rebuild the patch)"
            ),
            K::InvalidFromPointer => {
                format!("\"from\" {}: {}", from.unwrap_or_default(), missing(&patched, from.unwrap_or_default(), false))
            }
            K::InvalidPointer => missing(&patched, path, op == "add"),
            K::CannotMoveInsideItself => "a value cannot be moved inside itself".to_string(),
            other => other.to_string(),
        };
        return Err(invalid(format!("Patch operation {i} ({op} {path}) cannot be applied: {why}")));
    }
    Ok(patched)
}

/// Why `pointer` does not name a place in `doc` (for `add`, the place may be one past the end).
fn missing(doc: &Value, pointer: &str, adding: bool) -> String {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let mut here = doc;
    let mut at = String::new();
    for (n, token) in tokens.iter().enumerate() {
        let last = n + 1 == tokens.len();
        let shown = if at.is_empty() { "the entity".to_string() } else { at.clone() };
        match here {
            Value::Object(map) => match map.get(token) {
                Some(next) => here = next,
                None if last && adding => break,
                None => return format!("{shown} has no field {token:?}"),
            },
            Value::Array(items) => {
                let len = items.len();
                let limit = if last && adding { len } else { len.saturating_sub(1) };
                match token.parse::<usize>() {
                    Ok(index) if index < len => here = &items[index],
                    _ if last && adding && token == "-" => break,
                    _ if len == 0 && !(last && adding) => return format!("{shown} is an empty list"),
                    _ => {
                        let end = if last && adding { " (or - to append)" } else { "" };
                        let items = if len == 1 { "item" } else { "items" };
                        return format!(
                            "{shown} has {len} {items}: the index must be 0 to {limit}{end}, not {token:?}"
                        );
                    }
                }
            }
            _ => return format!("{shown} is not an object or a list, so it has no {token:?}"),
        }
        at = format!("{at}/{token}");
    }
    "the path does not name a place in the entity as GET ?fields=* shows it".to_string()
}

/// The fields a PATCH may not change: the server's (identity, lineage, versioning) and `href`.
fn check_immutable(before: &Map<String, Value>, after: &Map<String, Value>) -> Result<(), CatalogError> {
    for field in SYSTEM_FIELDS.iter().copied().chain(["href"]) {
        if before.get(field) != after.get(field) {
            return Err(invalid(format!(
                "{field} cannot be changed by PATCH: the server sets it; leave {field} out of the patch"
            )));
        }
    }
    Ok(())
}

/// The entity as the patch sees it: rendered with every field, lists the client patches into
/// present (`tableConstraints: []`), as the original shows them.
fn base(entity: &Entity, base_url: &str) -> Map<String, Value> {
    let mut doc = match render(entity, base_url, &Fields::All) {
        Value::Object(doc) => doc,
        _ => Map::new(), // render always gives an object
    };
    if entity.kind == Kind::Table && !doc.contains_key("tableConstraints") {
        doc.insert("tableConstraints".into(), json!([]));
    }
    doc
}

/// The patched document as a create request of its kind, so that a PUT's checks apply. Fields the
/// rendering added and the patch left alone are not the entity's own and are dropped.
fn as_request(stored: &Entity, before: &Map<String, Value>, mut after: Map<String, Value>) -> Value {
    for (key, value) in before {
        if !stored.doc.contains_key(key) && after.get(key) == Some(value) {
            after.remove(key);
        }
    }
    after.retain(|k, _| !SYSTEM_FIELDS.contains(&k.as_str()) && k != "href");
    after.insert("name".into(), json!(stored.name()));
    if let Some(field) = stored.kind.parent_field() {
        // A pipeline names its service by reference, a service or a classification is named by
        // its name (create requests send it unquoted), the others by FQN.
        let reference = stored.doc.get(field);
        let parent = if stored.kind.parent_by_reference() {
            reference.map(|r| json!({"id": r.get("id"), "type": r.get("type")})).unwrap_or(Value::Null)
        } else {
            let by_name = stored.kind.parent().is_some_and(Kind::is_root);
            let key = if by_name { "name" } else { "fullyQualifiedName" };
            reference.and_then(|r| r.get(key)).cloned().unwrap_or(Value::Null)
        };
        after.insert(field.into(), parent);
    }
    if stored.kind == Kind::DatabaseService {
        after.insert("serviceType".into(), stored.doc.get("serviceType").cloned().unwrap_or(Value::Null));
    }
    Value::Object(after)
}

/// The user fields `ops` make of `stored` (secrets not yet sealed), checked as a PUT's request
/// would be. Touches no store, so the fuzz target (fuzz/fuzz_targets/json_patch.rs) can run it.
pub fn patched_fields(
    stored: &Entity,
    base_url: &str,
    ops: &[PatchOperation],
) -> Result<Map<String, Value>, CatalogError> {
    let kind = stored.kind;
    let before = base(stored, base_url);
    let Value::Object(after) = apply(&Value::Object(before.clone()), ops)? else {
        return Err(invalid(format!("The patched {kind} must stay a JSON object")));
    };
    check_immutable(&before, &after)?;
    let request = as_request(stored, &before, after);
    let draft = create::parse(kind, request).map_err(|e| invalid(format!("The patched {kind} is not valid: {e}")))?;
    draft.user_fields(stored.fqn()).map_err(|e| invalid(format!("The patched {kind} is not valid: {e}")))
}

impl Catalog {
    /// Applies a JSON Patch to a live entity: 404 when absent or soft-deleted; a patch that
    /// changes nothing is answered with the entity as it is, and no version. What it changes
    /// (not the paths it names: a patch on the root changes fields too) must pass `gate`.
    pub async fn patch(
        &self,
        kind: Kind,
        id: &str,
        body: Value,
        by: &str,
        base_url: &str,
        gate: &dyn crate::EditGate,
    ) -> Result<(Entity, Outcome), CatalogError> {
        let ops = parse(body)?;
        for attempt in 0..WRITE_ATTEMPTS {
            if attempt > 0 {
                crate::service::back_off(attempt).await;
            }
            let stored = self.by_id(kind, id, Include::NonDeleted).await?;
            let mut fields = self.references_resolved(patched_fields(&stored, base_url, &ops)?).await?;
            let old_fields = stored.user_fields();
            // The patch saw secrets masked: a mask left in place keeps the stored secret.
            crate::secrets::seal_fields(&mut fields, Some(&old_fields), &self.secrets);
            let changes: Changes = change::diff(&old_fields, &fields);
            if changes.is_empty() {
                return Ok((stored, Outcome::Unchanged));
            }
            self.allow_edit(gate, crate::Edit::between(&old_fields, &fields, &changes), &stored).await?;
            let mut entity = stored.clone();
            entity.doc.retain(|k, _| SYSTEM_FIELDS.contains(&k.as_str()));
            entity.doc.extend(fields);
            match self.write_version(&stored, entity, &changes, by).await {
                // Another writer moved the entity on: apply the patch to what it wrote.
                Err(CatalogError::Store(StoreError::Conflict { .. })) => continue,
                Err(other) => return Err(other),
                Ok(entity) => return Ok((entity, Outcome::Updated)),
            }
        }
        Err(CatalogError::Busy { kind, id: id.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(v: Value) -> Vec<PatchOperation> {
        parse(v).unwrap()
    }

    fn err(doc: Value, patch: Value) -> String {
        apply(&doc, &ops(patch)).unwrap_err().to_string()
    }

    #[test]
    fn bodies_that_are_not_patches_say_what_to_send() {
        assert!(parse(json!({"op": "add"})).unwrap_err().to_string().contains("must be a JSON Patch (RFC 6902)"));
        let bad = parse(json!([{"op": "add", "path": "/a", "value": 1}, {"op": "sofa", "path": "/a"}])).unwrap_err();
        assert!(bad.to_string().starts_with("Patch operation 1 is not valid: unknown variant `sofa`"), "{bad}");
        let bad = parse(json!([{"op": "replace", "path": "description", "value": 1}])).unwrap_err();
        assert!(bad.to_string().starts_with("Patch operation 0 is not valid"), "{bad}");
        assert!(parse(json!([])).unwrap().is_empty());
    }

    #[test]
    fn failed_operations_name_their_index_and_the_fix() {
        let doc = json!({"columns": [{"name": "id", "tags": []}], "sourceHash": "h"});
        let out = apply(
            &doc,
            &ops(json!([{"op": "add", "path": "/columns/1", "value": {"name": "x"}},
            {"op": "add", "path": "/columns/-", "value": {"name": "y"}}, {"op": "remove", "path": "/sourceHash"}])),
        )
        .unwrap();
        assert_eq!((out["columns"][2]["name"].clone(), out.get("sourceHash")), (json!("y"), None));
        let e = err(doc.clone(), json!([{"op": "test", "path": "/sourceHash", "value": "other"}]));
        assert!(e.starts_with("Patch operation 0 (test /sourceHash) cannot be applied: the value at"), "{e}");
        let e = err(doc.clone(), json!([{"op": "add", "path": "/columns/5", "value": {}}]));
        assert!(e.contains("/columns has 1 item: the index must be 0 to 1 (or - to append), not \"5\""), "{e}");
        let e = err(doc.clone(), json!([{"op": "replace", "path": "/columns/1/tags", "value": []}]));
        assert!(e.contains("/columns has 1 item: the index must be 0 to 0"), "{e}");
        let e = err(doc.clone(), json!([{"op": "remove", "path": "/description"}]));
        assert!(e.contains("(remove /description)") && e.contains("the entity has no field \"description\""), "{e}");
        let e = err(doc.clone(), json!([{"op": "add", "path": "/owners/0", "value": {}}]));
        assert!(e.contains("the entity has no field \"owners\""), "{e}");
        let e = err(doc, json!([{"op": "move", "from": "/nope", "path": "/x"}]));
        assert!(e.contains("\"from\" /nope: the entity has no field \"nope\""), "{e}");
    }

    #[test]
    fn server_fields_cannot_be_patched() {
        let before = json!({"id": "1", "name": "t", "href": "h", "version": 0.1}).as_object().unwrap().clone();
        let mut after = before.clone();
        after.insert("description".into(), json!("d"));
        check_immutable(&before, &after).unwrap();
        for field in ["id", "name", "href", "version", "fullyQualifiedName"] {
            let mut after = before.clone();
            after.insert(field.into(), json!("x"));
            let e = check_immutable(&before, &after).unwrap_err().to_string();
            assert!(e.starts_with(&format!("{field} cannot be changed by PATCH")), "{e}");
        }
    }
}
