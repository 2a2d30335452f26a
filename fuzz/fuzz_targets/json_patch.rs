//! Any bytes as a PATCH body on a stored table: the patch is parsed, applied, checked as a PUT's
//! request would be and turned into the operations the authorizer asks for — answering a new
//! version or a 400, never a panic. And the rule finding 8 of the attack review broke: an edit
//! that changes the display name of the table or of a column it keeps needs EditDisplayName, one
//! that changes the table's description needs EditDescription.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use tessera_authz::{Operation, edit};
use tessera_catalog::{Edit, Entity, Kind, change, create, patch};

fn stored_table() -> &'static Entity {
    static TABLE: OnceLock<Entity> = OnceLock::new();
    TABLE.get_or_init(|| {
        let request = json!({
            "name": "orders",
            "databaseSchema": "shop.sales.public",
            "displayName": "Orders",
            "description": "One row per order",
            "tags": [{"tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Manual", "state": "Confirmed"}],
            "columns": [
                {"name": "id", "dataType": "BIGINT", "displayName": "Order id", "constraint": "PRIMARY_KEY"},
                {"name": "customer.email", "dataType": "VARCHAR", "dataLength": 255, "description": "who ordered",
                 "tags": [{"tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Manual", "state": "Confirmed"}]},
                {"name": "lines", "dataType": "STRUCT", "children": [
                    {"name": "sku", "dataType": "VARCHAR", "dataLength": 32, "displayName": "SKU"}]}
            ]
        });
        let draft = create::parse(Kind::Table, request).expect("the seed table is valid");
        let fqn = "shop.sales.public.orders";
        let mut doc = draft.user_fields(fqn).expect("the seed table's fields");
        for (key, value) in [
            ("id", json!("0190b7b2-0000-7000-8000-000000000001")),
            ("name", json!("orders")),
            ("fullyQualifiedName", json!(fqn)),
            ("version", json!(0.1)),
            ("updatedAt", json!(1_700_000_000_000_i64)),
            ("updatedBy", json!("admin")),
            ("deleted", json!(false)),
            ("serviceType", json!("Postgres")),
            ("service", json!({"id": "0190b7b2-0000-7000-8000-000000000002", "type": "databaseService", "name": "shop", "fullyQualifiedName": "shop"})),
            ("database", json!({"id": "0190b7b2-0000-7000-8000-000000000003", "type": "database", "name": "sales", "fullyQualifiedName": "shop.sales"})),
            ("databaseSchema", json!({"id": "0190b7b2-0000-7000-8000-000000000004", "type": "databaseSchema", "name": "public", "fullyQualifiedName": "shop.sales.public"})),
        ] {
            doc.insert(key.into(), value);
        }
        Entity { kind: Kind::Table, fqn_hash: "fuzz".into(), doc }
    })
}

/// The display name (or none) of the table (path "") and of every column, by column-name path.
fn display_names(value: &Value, at: &str, out: &mut BTreeMap<String, Option<Value>>) {
    let Value::Object(map) = value else { return };
    out.insert(at.to_string(), map.get("displayName").cloned());
    for list in ["columns", "children"] {
        for child in map.get(list).and_then(Value::as_array).into_iter().flatten() {
            let name = child.get("name").and_then(Value::as_str).unwrap_or("?");
            display_names(child, &format!("{at}/{name}"), out);
        }
    }
}

fn shown(fields: &Map<String, Value>) -> BTreeMap<String, Option<Value>> {
    let mut out = BTreeMap::new();
    display_names(&Value::Object(fields.clone()), "", &mut out);
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<Value>(data) else { return };
    let Ok(ops) = patch::parse(body) else { return };
    let stored = stored_table();
    let Ok(fields) = patch::patched_fields(stored, "http://localhost:8585", &ops) else { return };
    let old = stored.user_fields();
    let changes = change::diff(&old, &fields);
    if changes.is_empty() {
        return;
    }
    let edit = Edit::between(&old, &fields, &changes);
    let tags: Vec<(&str, &str)> = edit.tags.iter().map(|t| (t.tag_fqn.as_str(), t.source.as_str())).collect();
    let needed = edit::operations(edit.fields.iter().map(String::as_str), &tags);
    assert!(!needed.is_empty(), "a change that needs no operation: {edit:?}");
    // Adding or removing a column is a change of the column list (EditAll); a column kept whose
    // display name changes is a display-name edit, however the patch reached it.
    let (before, after) = (shown(&old), shown(&fields));
    if let Some((path, _)) = before.iter().find(|(path, name)| after.get(*path).is_some_and(|now| now != *name)) {
        assert!(needed.contains(&Operation::EditDisplayName), "the display name of {path:?} changed with {needed:?}");
    }
    if old.get("description") != fields.get("description") {
        assert!(needed.contains(&Operation::EditDescription), "the description changed with {needed:?}");
    }
});
