//! Fields a rendering takes from other entities, added only when the `fields` parameter names
//! them: a data asset's inherited `owners`, a classification's `termCount`, a tag's `children`,
//! how often a tag or a classification's tags are used (`usageCount`), a table's `usageSummary`
//! and `joins`.

use crate::entity::Entity;
use crate::error::CatalogError;
use crate::kind::Kind;
use serde_json::{Value, json};

/// Whether a rendering of `entity` with `fields` needs [`crate::Catalog::add_derived_fields`]: a
/// data asset without owners of its own asked for `owners`, or a classification or tag.
pub fn derives_fields(entity: &Entity, fields: &crate::Fields) -> bool {
    let ownerless = entity.doc.get("owners").and_then(Value::as_array).is_none_or(Vec::is_empty);
    let inherits = matches!(entity.kind, Kind::Database | Kind::DatabaseSchema | Kind::Table | Kind::StoredProcedure);
    (inherits && ownerless && fields.wants("owners"))
        || matches!(entity.kind, Kind::Classification | Kind::Tag)
        || (entity.kind == Kind::Table && (fields.names("usageSummary") || fields.names("joins")))
}

impl crate::Catalog {
    /// The fields derived from other entities that the `fields` parameter names, added to a
    /// rendering: a data asset's inherited `owners`; a classification's `termCount` (its live
    /// tags); a tag's `children` (none: tags are not nested here); the `usageCount` of either.
    pub async fn add_derived_fields(
        &self,
        entity: &Entity,
        fields: &crate::Fields,
        shown: &mut Value,
    ) -> Result<(), CatalogError> {
        match entity.kind {
            _ if fields.wants("owners") && shown.get("owners").is_some() => {
                if let Some(owners) = self.inherited_owners(entity).await? {
                    shown["owners"] = json!(owners);
                }
            }
            Kind::Classification if fields.wants("termCount") => {
                let key = crate::list_total::RangeKey {
                    kind: Kind::Tag,
                    lower: format!("{}.", entity.fqn_hash),
                    upper: format!("{}/", entity.fqn_hash),
                    deleted: crate::Include::NonDeleted.bounds(),
                    subtype: String::new(),
                };
                shown["termCount"] = json!(self.total(key).await?);
            }
            Kind::Tag if fields.wants("children") => shown["children"] = json!([]),
            _ => {}
        }
        if entity.kind == Kind::Table && fields.names("usageSummary") {
            shown["usageSummary"] = self.usage_summary(entity).await?;
        }
        if entity.kind == Kind::Table && fields.names("joins") {
            shown["joins"] = self.joins_of(entity).await?;
        }
        if matches!(entity.kind, Kind::Classification | Kind::Tag) && fields.wants("usageCount") {
            shown["usageCount"] = json!(self.usage_count(entity).await?);
        }
        Ok(())
    }

    /// How many entities and columns carry the tag (or any tag of the classification), counted up
    /// to the search window as 1.7 counts its tag-usage rows.
    async fn usage_count(&self, entity: &Entity) -> Result<i64, CatalogError> {
        use tessera_store::CatalogTagStore;
        let fqn = entity.fqn();
        let count = if entity.kind == Kind::Tag {
            self.store.catalog_tag_use_count(fqn, fqn).await?
        } else {
            self.store.catalog_tag_use_count(&format!("{fqn}."), &format!("{fqn}.\u{10FFFF}")).await?
        };
        Ok(count)
    }
}
