//! Classifications and their tags: the fields 1.7 fills in when a request leaves them out, their
//! fields' type checks, the rule that the system's own are never deleted, and the seed (`PII`,
//! `PersonalData`, `Tier`, `Certification`, from `seed_tags.json`).

use crate::entity::Entity;
use crate::error::CatalogError;
use crate::kind::Kind;
use serde_json::{Map, Value, json};

/// The defaults of the 1.7 `classification.json` and `tag.json`.
pub(crate) fn fill_defaults(kind: Kind, doc: &mut Map<String, Value>) {
    for (key, value) in [("provider", json!("user")), ("mutuallyExclusive", json!(false)), ("disabled", json!(false))] {
        doc.entry(key).or_insert(value);
    }
    if kind == Kind::Tag {
        doc.entry("deprecated").or_insert(json!(false));
    }
}

/// A `provider: system` classification or tag cannot be deleted (the original's 400 text).
pub(crate) fn check_deletable(entity: &Entity) -> Result<(), CatalogError> {
    let system = entity.doc.get("provider").and_then(Value::as_str) == Some("system");
    if system && matches!(entity.kind, Kind::Classification | Kind::Tag) {
        return Err(CatalogError::Invalid(format!(
            "System entity [{}] of type {} can not be deleted.",
            entity.name(),
            entity.kind
        )));
    }
    Ok(())
}

/// The type checks of the fields only classifications and tags have; `None` for other fields.
pub(crate) fn check_field(key: &str, value: &Value) -> Option<Result<(), CatalogError>> {
    let invalid = |message: String| Err(CatalogError::Invalid(message));
    Some(match key {
        "mutuallyExclusive" | "disabled" | "deprecated" if value.is_boolean() => Ok(()),
        "mutuallyExclusive" | "disabled" | "deprecated" => invalid(format!("{key} must be true or false")),
        "style" => match value.as_object() {
            Some(style) if style.iter().all(|(k, v)| matches!(k.as_str(), "color" | "iconURL") && v.is_string()) => {
                Ok(())
            }
            _ => invalid(format!("style must be an object with optional strings color and iconURL, not {value}")),
        },
        "associatedTags" => match value.as_array() {
            Some(items) if items.iter().all(Value::is_string) => Ok(()),
            _ => invalid("associatedTags must be a list of tag FQNs (strings)".into()),
        },
        _ => return None,
    })
}

/// `description` is required in `CreateClassification` and `CreateTag`.
pub(crate) fn check_required(kind: Kind, body: &Map<String, Value>) -> Result<(), CatalogError> {
    if matches!(kind, Kind::Classification | Kind::Tag) && !body.get("description").is_some_and(Value::is_string) {
        let request = if kind == Kind::Tag { "CreateTag" } else { "CreateClassification" };
        return Err(CatalogError::Invalid(format!(
            "description is required in {request} (Markdown text, may be empty)"
        )));
    }
    Ok(())
}

/// The classifications and tags 1.7 seeds (`PII`, `PersonalData`, `Tier`, `Certification`), with
/// our own descriptions; `provider: system`.
const SEED: &str = include_str!("seed_tags.json");

impl crate::Catalog {
    /// Creates the seeded classifications and tags that do not exist yet (never changes one that
    /// does: an admin may have edited its description or disabled it). Answers how many it made.
    pub async fn seed_classifications(&self) -> Result<usize, CatalogError> {
        let seed: Vec<Value> = serde_json::from_str(SEED).expect("seed_tags.json parses");
        let mut made = 0;
        for set in seed {
            let mut classification = set["classification"].clone();
            classification["provider"] = json!("system");
            let name = classification["name"].clone();
            made += self.create_if_absent(Kind::Classification, classification).await?;
            for mut tag in set["tags"].as_array().into_iter().flatten().cloned() {
                tag["classification"] = name.clone();
                tag["provider"] = json!("system");
                made += self.create_if_absent(Kind::Tag, tag).await?;
            }
        }
        Ok(made)
    }

    async fn create_if_absent(&self, kind: Kind, body: Value) -> Result<usize, CatalogError> {
        match self.put(kind, body, "admin", crate::Write::CreateOnly).await {
            Ok(_) => Ok(1),
            Err(CatalogError::Exists) => Ok(0),
            Err(other) => Err(other),
        }
    }
}
