//! Tag uses (`catalog_tag_uses`, migration 0014): which entity carries which classification tag,
//! on itself (target `""`) or on a column (target: the column's name path, `address.city`). Read
//! from the stored document by every insert and update, so no write path can forget them; a tag's
//! use count and the entities carrying it are ranges of the primary key, bounded by the search
//! window like name searches.

use crate::query::{exec, fetch};
use crate::write::Statement;
use crate::{CatalogRow, SEARCH_WINDOW, Store, StoreError};
use serde_json::Value;

/// Written by migration 0014, removed once older entities' uses are stored (`copy.rs` knows it).
pub(crate) const BACKFILL_SETTING: &str = "catalog_tag_uses_backfill";

/// Classification tags of a document and its columns (nested through `children`): `(tag FQN,
/// target)`. Glossary terms are not tags and are left out, as 1.7 counts them apart.
pub(crate) fn tag_uses(body: &str) -> Vec<(String, String)> {
    // Most documents carry no label at all: no parse for them.
    if !body.contains("tagFQN") {
        return Vec::new();
    }
    let Ok(doc) = serde_json::from_str::<Value>(body) else { return Vec::new() };
    let mut uses = Vec::new();
    labels_of(&doc, "", &mut uses);
    if let Some(columns) = doc.get("columns").and_then(Value::as_array) {
        columns_of(columns, "", &mut uses);
    }
    uses.sort();
    uses.dedup();
    uses
}

fn labels_of(node: &Value, target: &str, uses: &mut Vec<(String, String)>) {
    for label in node.get("tags").and_then(Value::as_array).into_iter().flatten() {
        let glossary = label.get("source").and_then(Value::as_str) == Some("Glossary");
        if let (Some(fqn), false) = (label.get("tagFQN").and_then(Value::as_str), glossary) {
            uses.push((fqn.to_string(), target.to_string()));
        }
    }
}

fn columns_of(columns: &[Value], parent: &str, uses: &mut Vec<(String, String)>) {
    for column in columns {
        let name = column.get("name").and_then(Value::as_str).unwrap_or_default();
        let path = if parent.is_empty() { name.to_string() } else { format!("{parent}.{name}") };
        labels_of(column, &path, uses);
        if let Some(children) = column.get("children").and_then(Value::as_array) {
            columns_of(children, &path, uses);
        }
    }
}

/// One statement storing the uses of the entity stored as `row` (`None` when it has none).
pub(crate) fn insert_uses(row: &CatalogRow) -> Option<Statement> {
    let uses = tag_uses(&row.body);
    if uses.is_empty() {
        return None;
    }
    let mut sql = String::from("INSERT INTO catalog_tag_uses (tag_fqn, target, kind, deleted, entity_id) VALUES ");
    let mut args = Vec::with_capacity(uses.len() * 5);
    for (i, (fqn, target)) in uses.into_iter().enumerate() {
        sql.push_str(if i == 0 { "(?, ?, ?, ?, ?)" } else { ", (?, ?, ?, ?, ?)" });
        args.extend([fqn.into(), target.into(), (&row.kind).into(), row.deleted.into(), (&row.id).into()]);
    }
    sql.push_str(" ON CONFLICT DO NOTHING");
    Some(Statement::new(sql, args))
}

pub(crate) const DELETE_ENTITY_USES: &str = "DELETE FROM catalog_tag_uses WHERE entity_id = ?";
pub(crate) const DELETE_SUBTREE_USES: &str = "DELETE FROM catalog_tag_uses WHERE entity_id IN \
     (SELECT id FROM catalog_entities WHERE id = ? OR (fqn_hash > ? AND fqn_hash < ?))";
/// Uses of tags in `[lower, upper]` (one tag: both its FQN; a classification: its prefix range).
const COUNT_USES: &str =
    "SELECT COUNT(*) FROM (SELECT 1 FROM catalog_tag_uses WHERE tag_fqn >= ? AND tag_fqn <= ? LIMIT ?) w";
/// Entities of some kinds (five placeholders, as name searches) carrying a tag on themselves, in
/// the key's order (kind, deleted, id), counted up to the window: ranges of the key, and the
/// entities' rows read for the page only.
const TAGGED_COUNT: &str = "SELECT COUNT(*) FROM (SELECT entity_id FROM catalog_tag_uses \
     WHERE tag_fqn = ? AND target = '' AND kind IN (?, ?, ?, ?, ?) AND deleted IN (?, ?) LIMIT ?) w";
const TAGGED_PAGE: &str = "SELECT e.id, e.kind, e.fqn, e.fqn_hash, e.name, e.body, e.version, e.deleted, \
     e.updated_at, e.updated_by, e.subtype FROM (SELECT kind, deleted, entity_id FROM catalog_tag_uses \
     WHERE tag_fqn = ? AND target = '' AND kind IN (?, ?, ?, ?, ?) AND deleted IN (?, ?) \
     ORDER BY kind, deleted, entity_id LIMIT ? OFFSET ?) u JOIN catalog_entities e ON e.id = u.entity_id \
     ORDER BY u.kind, u.deleted, u.entity_id";
const BACKFILL_BATCH: &str = "SELECT id, kind, fqn, fqn_hash, name, body, version, deleted, updated_at, \
     updated_by, subtype FROM catalog_entities WHERE id > ? ORDER BY id LIMIT 500";

/// The tag-use queries, for the query-plan test.
pub(crate) const TAG_PATHS: &[&str] =
    &[DELETE_ENTITY_USES, DELETE_SUBTREE_USES, COUNT_USES, TAGGED_COUNT, TAGGED_PAGE, BACKFILL_BATCH];

/// Entities carrying one tag: a page of them and how many there are (within the window).
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedPage {
    pub rows: Vec<CatalogRow>,
    pub total: i64,
    /// False when the window was full: there may be more than `total`.
    pub exact: bool,
}

/// The tag-use index of catalog entities.
pub trait CatalogTagStore {
    /// How many uses (entities and columns) the tags from `lower` to `upper` (both included) have,
    /// counted up to [`SEARCH_WINDOW`].
    fn catalog_tag_use_count(&self, lower: &str, upper: &str) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Entities of `kinds` (one to five) labelled (themselves, not a column) with `tag_fqn`,
    /// `deleted` as in [`crate::CatalogRange`], skipping `from`, at most `size`.
    fn catalog_tagged(
        &self,
        kinds: &[&str],
        tag_fqn: &str,
        deleted: (bool, bool),
        from: i64,
        size: i64,
    ) -> impl Future<Output = Result<TaggedPage, StoreError>> + Send;
}

impl CatalogTagStore for Store {
    async fn catalog_tag_use_count(&self, lower: &str, upper: &str) -> Result<i64, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Count(i64);
        Ok(fetch!(self, Count, fetch_one, COUNT_USES, lower, upper, SEARCH_WINDOW)?.0)
    }

    async fn catalog_tagged(
        &self,
        kinds: &[&str],
        tag_fqn: &str,
        deleted: (bool, bool),
        from: i64,
        size: i64,
    ) -> Result<TaggedPage, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Count(i64);
        let (d0, d1) = deleted;
        let Some(first) = kinds.first() else { return Ok(TaggedPage { rows: vec![], total: 0, exact: true }) };
        let [k0, k1, k2, k3, k4]: [&str; 5] = std::array::from_fn(|i| kinds.get(i).copied().unwrap_or(first));
        let total = fetch!(self, Count, fetch_one, TAGGED_COUNT, tag_fqn, k0, k1, k2, k3, k4, d0, d1, SEARCH_WINDOW)?.0;
        let rows = if size > 0 && from < total {
            fetch!(self, CatalogRow, fetch_all, TAGGED_PAGE, tag_fqn, k0, k1, k2, k3, k4, d0, d1, size, from)?
        } else {
            vec![]
        };
        Ok(TaggedPage { rows, total, exact: total < SEARCH_WINDOW })
    }
}

impl Store {
    /// Fills `catalog_tag_uses` for entities stored before migration 0014, once (inserts are
    /// idempotent, so an interrupted or concurrent run is harmless).
    pub(crate) async fn backfill_catalog_tag_uses(&self) -> Result<(), StoreError> {
        if self.setting(BACKFILL_SETTING).await?.is_none() {
            return Ok(());
        }
        let mut after = String::new();
        loop {
            let batch = fetch!(self, CatalogRow, fetch_all, BACKFILL_BATCH, &after)?;
            let Some(last) = batch.last() else { break };
            after = last.id.clone();
            // One transaction per batch: one commit per 500 entities.
            let mut write = crate::write::WriteSet::default();
            write.extend(batch.iter().filter_map(insert_uses));
            self.apply(write).await?;
        }
        exec!(self, "DELETE FROM tessera_settings WHERE key = ?", BACKFILL_SETTING)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_and_nested_column_tags_without_glossary_terms() {
        let body = r#"{"tags":[{"tagFQN":"PII.Sensitive","source":"Classification"},{"tagFQN":"Gloss.Term","source":"Glossary"}],
            "columns":[{"name":"id","tags":[{"tagFQN":"Tier.Tier1"}]},
                       {"name":"address","children":[{"name":"city","tags":[{"tagFQN":"PII.Sensitive"},{"tagFQN":"PII.Sensitive"}]}]}]}"#;
        assert_eq!(
            tag_uses(body),
            [
                ("PII.Sensitive".to_string(), String::new()),
                ("PII.Sensitive".to_string(), "address.city".to_string()),
                ("Tier.Tier1".to_string(), "id".to_string()),
            ]
        );
        assert!(tag_uses(r#"{"name":"untagged"}"#).is_empty());
        assert!(tag_uses("not json but tagFQN").is_empty());
    }
}
