//! 1.7's `ChangeEvent`, the answer of its sub-resource writes (`PUT /usage/…`, `PUT
//! /queries/{id}/usage`, …): one updated field of one entity, with its old and new values.

use serde_json::{Value, json};
use tessera_catalog::Entity;

/// The event of `by` changing `field` of `entity` from `old` to `new`; `previous` is the version
/// before (the same as the entity's when the field is not versioned, as usage).
pub(crate) fn field_updated(entity: &Entity, previous: f64, by: &str, field: &str, old: Value, new: Value) -> Value {
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "eventType": "entityUpdated",
        "entityType": entity.kind.name(),
        "entityId": entity.id(),
        "entityFullyQualifiedName": entity.fqn(),
        "userName": by,
        "timestamp": tessera_store::clock::now_millis(),
        "previousVersion": previous,
        "currentVersion": entity.version(),
        "changeDescription": {
            "fieldsAdded": [], "fieldsDeleted": [], "previousVersion": previous,
            "fieldsUpdated": [{"name": field, "oldValue": old, "newValue": new}],
        },
    })
}
