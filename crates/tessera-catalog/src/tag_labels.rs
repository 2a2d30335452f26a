//! Tag labels on data assets resolved as 1.7 resolves them, before anything is written: each
//! `tagFQN` must name a live tag (404 `tag instance for … not found`), the label takes the tag's
//! name, display name, description and style, disabled tags are refused, labels are merged by
//! FQN and sorted, and a mutually exclusive classification gives an entity one of its tags at most.

use crate::entity::Entity;
use crate::error::CatalogError;
use crate::kind::Kind;
use crate::list::Include;
use crate::service::Catalog;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// What a label takes from its tag, and what decides whether it may be assigned.
struct Resolved {
    fields: Map<String, Value>,
    disabled: bool,
    /// The classification's FQN, when it is mutually exclusive.
    exclusive_in: Option<String>,
}

impl Catalog {
    /// `fields` with their tag labels, owners and (a query's) users and assets resolved.
    pub(crate) async fn references_resolved(
        &self,
        mut fields: Map<String, Value>,
    ) -> Result<Map<String, Value>, CatalogError> {
        self.resolve_labels(&mut fields).await?;
        self.resolve_owners(&mut fields).await?;
        self.resolve_query_references(&mut fields).await?;
        Ok(fields)
    }

    /// Resolves every `tags` list of `fields`: the entity's own and each column's (nested too).
    pub(crate) async fn resolve_labels(&self, fields: &mut Map<String, Value>) -> Result<(), CatalogError> {
        let mut lists: Vec<&mut Value> = Vec::new();
        collect_lists(fields, &mut lists);
        if lists.iter().all(|l| l.as_array().is_none_or(Vec::is_empty)) {
            return Ok(());
        }
        let mut known: BTreeMap<String, Resolved> = BTreeMap::new();
        let mut classifications: BTreeMap<String, Entity> = BTreeMap::new();
        for list in lists {
            let Value::Array(labels) = list else { continue };
            for label in labels.iter() {
                let fqn = label["tagFQN"].as_str().unwrap_or_default().to_string();
                if label["source"] == "Glossary" {
                    // No glossaries here yet: no term exists, as the original would answer.
                    return Err(CatalogError::Unresolved { type_name: "glossaryTerm", key: fqn });
                }
                if let std::collections::btree_map::Entry::Vacant(slot) = known.entry(fqn) {
                    let resolved = self.resolve_one(slot.key(), &mut classifications).await?;
                    slot.insert(resolved);
                }
            }
            *labels = merged(std::mem::take(labels), &known)?;
        }
        Ok(())
    }

    async fn resolve_one(
        &self,
        fqn: &str,
        classifications: &mut BTreeMap<String, Entity>,
    ) -> Result<Resolved, CatalogError> {
        let unknown = || CatalogError::Unresolved { type_name: "tag", key: fqn.to_string() };
        let tag = match self.by_name(Kind::Tag, fqn, Include::NonDeleted).await {
            Err(CatalogError::NotFound { .. }) => return Err(unknown()),
            other => other?,
        };
        let parent = tag.doc.get("classification").and_then(|c| c["fullyQualifiedName"].as_str()).unwrap_or_default();
        if !classifications.contains_key(parent) {
            let classification = match self.by_name(Kind::Classification, parent, Include::NonDeleted).await {
                Err(CatalogError::NotFound { .. }) => return Err(unknown()),
                other => other?,
            };
            classifications.insert(parent.to_string(), classification);
        }
        let classification = &classifications[parent];
        let flag = |e: &Entity, key: &str| e.doc.get(key).and_then(Value::as_bool).unwrap_or(false);
        let mut fields = Map::new();
        // The tag's own spelling, which uses are counted by.
        fields.insert("tagFQN".into(), json!(tag.fqn()));
        fields.insert("name".into(), json!(tag.name()));
        for key in ["displayName", "description", "style"] {
            if let Some(value) = tag.doc.get(key) {
                fields.insert(key.into(), value.clone());
            }
        }
        Ok(Resolved {
            fields,
            disabled: flag(&tag, "disabled") || flag(classification, "disabled"),
            exclusive_in: flag(classification, "mutuallyExclusive").then(|| parent.to_string()),
        })
    }
}

/// The `tags` lists in `fields` and in its columns, at any depth of `children`.
fn collect_lists<'a>(fields: &'a mut Map<String, Value>, out: &mut Vec<&'a mut Value>) {
    for (key, value) in fields.iter_mut() {
        match (key.as_str(), value) {
            ("tags", list) => out.push(list),
            ("columns" | "children", Value::Array(columns)) => {
                for column in columns.iter_mut() {
                    if let Value::Object(column) = column {
                        collect_lists(column, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// One list's labels with their tags' fields, merged by FQN (the first kept) and sorted by FQN;
/// a disabled tag or two tags of one mutually exclusive classification are refused.
fn merged(labels: Vec<Value>, known: &BTreeMap<String, Resolved>) -> Result<Vec<Value>, CatalogError> {
    let mut by_fqn: BTreeMap<String, (Value, Option<&str>)> = BTreeMap::new();
    for mut label in labels {
        let fqn = label["tagFQN"].as_str().unwrap_or_default().to_string();
        let Some(resolved) = known.get(&fqn) else { continue };
        if resolved.disabled {
            return Err(CatalogError::Invalid(format!(
                "Tag label {fqn} is disabled and can't be assigned to a data asset."
            )));
        }
        if let Value::Object(label) = &mut label {
            for key in ["tagFQN", "name", "displayName", "description", "style"] {
                label.remove(key);
            }
            label.extend(resolved.fields.clone());
        }
        let canonical = label["tagFQN"].as_str().unwrap_or_default().to_string();
        by_fqn.entry(canonical).or_insert((label, resolved.exclusive_in.as_deref()));
    }
    let mut first_of: BTreeMap<&str, &str> = BTreeMap::new();
    for (fqn, (_, exclusive_in)) in &by_fqn {
        let Some(parent) = *exclusive_in else { continue };
        if let Some(earlier) = first_of.insert(parent, fqn) {
            return Err(CatalogError::Invalid(format!(
                "Tag labels {fqn} and {earlier} are mutually exclusive and can't be assigned together"
            )));
        }
    }
    Ok(by_fqn.into_values().map(|(label, _)| label).collect())
}
