//! Tags and owners as sent in create requests: checked against the 1.7 `TagLabel` and
//! `EntityReference` shapes, so nothing is stored that the client's models would refuse on read.
//! (They are not resolved against classifications or users yet.)

use serde::Deserialize;
use serde_json::Value;

#[allow(dead_code)] // only deserialised, to check the shape
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TagLabel {
    #[serde(rename = "tagFQN")]
    tag_fqn: String,
    name: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
    style: Option<Value>,
    source: Source,
    label_type: LabelType,
    state: State,
    href: Option<String>,
}

#[derive(Deserialize)]
enum Source {
    Classification,
    Glossary,
}

#[derive(Deserialize)]
enum LabelType {
    Manual,
    Propagated,
    Automated,
    Derived,
    Generated,
}

#[derive(Deserialize)]
enum State {
    Suggested,
    Confirmed,
}

#[allow(dead_code)] // only deserialised, to check the shape
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EntityReference {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    fully_qualified_name: Option<String>,
    description: Option<String>,
    display_name: Option<String>,
    deleted: Option<bool>,
    inherited: Option<bool>,
    href: Option<String>,
}

/// `tags`: a list of `TagLabel`s (`tagFQN`, `source`, `labelType`, `state` required).
pub fn check_tags(value: &Value, path: &str) -> Result<(), String> {
    check_list::<TagLabel>(value, path, "TagLabel {tagFQN, source, labelType, state}").map(drop)
}

/// `owners`: a list of `EntityReference`s (`id`, `type` required).
pub fn check_owners(value: &Value, path: &str) -> Result<(), String> {
    let owners = check_list::<EntityReference>(value, path, "EntityReference {id, type}")?;
    for (i, owner) in owners.iter().enumerate() {
        // The client's model types `id` as a UUID.
        uuid::Uuid::parse_str(&owner.id).map_err(|_| format!("{path}[{i}].id must be a UUID, not {:?}", owner.id))?;
    }
    Ok(())
}

fn check_list<T: serde::de::DeserializeOwned>(value: &Value, path: &str, shape: &str) -> Result<Vec<T>, String> {
    let Value::Array(items) = value else { return Err(format!("{path} must be a list of {shape}")) };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(T::deserialize(item).map_err(|e| format!("{path}[{i}] is not a {shape}: {e}"))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_of_the_1_7_models() {
        let tag =
            json!({"tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Manual", "state": "Confirmed"});
        check_tags(&json!([tag]), "tags").unwrap();
        let err = check_tags(&json!([{"tagFQN": "PII.Sensitive"}]), "tags").unwrap_err();
        assert!(err.contains("tags[0] is not a TagLabel") && err.contains("missing field `source`"), "{err}");
        let err = check_tags(
            &json!([{"tagFQN": "x", "source": "Elsewhere", "labelType": "Manual", "state": "Confirmed"}]),
            "t",
        )
        .unwrap_err();
        assert!(err.contains("unknown variant `Elsewhere`"), "{err}");
        let id = "d69f25b9-6023-41ae-87c3-c863cc18fee0";
        check_owners(&json!([{"id": id, "type": "user"}]), "owners").unwrap();
        assert!(check_owners(&json!([{"id": "u1", "type": "user"}]), "owners").unwrap_err().contains("must be a UUID"));
        assert!(
            check_owners(&json!([{"id": id, "type": "user", "email": "x"}]), "owners")
                .unwrap_err()
                .contains("unknown field `email`")
        );
        assert!(check_owners(&json!({"id": "u1"}), "owners").unwrap_err().contains("must be a list"));
    }
}
