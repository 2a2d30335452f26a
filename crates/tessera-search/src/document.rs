//! An entity's JSON (as the API renders it) turned into index terms: every scalar under its path
//! (`columns.name`, `tags.tagFQN`, `service.name`), the words of the text fields, and the word
//! prefixes of the name. Connection details and other secrets are never indexed.

use crate::schema::{Fields, SEP, WHOLE_NAME};
use serde_json::Value;
use std::collections::BTreeSet;
use tantivy::TantivyDocument;

/// Keys whose subtree is never indexed: secrets and connection details (even masked), links,
/// and change bookkeeping that no search filters on.
const SKIPPED_KEYS: &[&str] = &[
    "connection",
    "openMetadataServerConnection",
    "securityConfig",
    "sourceConfig",
    "href",
    "changeDescription",
    "incrementalChangeDescription",
    "sampleData",
];

/// Paths not indexed at all: per-column values nobody filters on that would otherwise be most of
/// a table's terms (each column's FQN, position, length and display type).
const SKIPPED_PATHS: &[&str] = &[
    "sourceHash",
    "columns.fullyQualifiedName",
    "columns.ordinalPosition",
    "columns.dataLength",
    "columns.dataTypeDisplay",
    "columns.children.fullyQualifiedName",
    "columns.children.ordinalPosition",
    "columns.children.dataLength",
    "columns.children.dataTypeDisplay",
];

/// Paths whose words are indexed (for `match` and the free text).
pub const WORD_PATHS: &[&str] = &[
    "name",
    "displayName",
    "description",
    "fullyQualifiedName",
    "columns.name",
    "columns.displayName",
    "columns.description",
    "columns.children.name",
    "tags.tagFQN",
    "columns.tags.tagFQN",
    "owners.name",
    "owners.displayName",
    "service.name",
    "database.name",
    "databaseSchema.name",
    "query",
];

/// Longer scalar values are not kept as keywords (only their path's presence and, for text
/// fields, their words): nobody filters on a whole view definition.
const MAX_KEYWORD_BYTES: usize = 512;
/// Word prefixes are kept up to this many characters; a longer query word matches on these.
pub const MAX_PREFIX_CHARS: usize = 24;
const MAX_WORD_CHARS: usize = 64;
const MAX_DEPTH: usize = 8;

/// What an entity is indexed as.
pub struct IndexedEntity<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub fqn: &'a str,
    pub name: &'a str,
    pub updated_at: i64,
    /// Soft-deleted (indexed as `deleted`, whether or not the JSON shows it).
    pub deleted: bool,
    /// The rendered entity.
    pub json: &'a Value,
}

pub(crate) fn document(fields: &Fields, entity: &IndexedEntity<'_>) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, entity.id);
    doc.add_text(fields.kind, entity.kind);
    doc.add_text(fields.fqn, entity.fqn);
    doc.add_text(fields.name, entity.name);
    doc.add_i64(fields.updated_at, entity.updated_at);
    doc.add_text(fields.prefixes, format!("{WHOLE_NAME}{}", entity.name.to_lowercase()));
    let display = entity.json.get("displayName").and_then(Value::as_str).unwrap_or_default();
    let mut prefixes: Vec<String> = Vec::new();
    for word in name_words(entity.name).chain(name_words(display)) {
        for (end, _) in word.char_indices().skip(1).chain([(word.len(), ' ')]).take(MAX_PREFIX_CHARS) {
            prefixes.push(word[..end].to_string());
        }
    }
    prefixes.sort_unstable();
    prefixes.dedup();
    for prefix in prefixes {
        doc.add_text(fields.prefixes, prefix);
    }
    add_keyword(&mut doc, fields, "entityType", entity.kind);
    add_keyword(&mut doc, fields, "deleted", if entity.deleted { "true" } else { "false" });
    let mut walker = Walker { doc, fields, path: String::new(), paths: BTreeSet::from(["deleted".to_string()]) };
    walker.walk(entity.json, 0);
    let Walker { mut doc, paths, .. } = walker;
    for path in paths {
        doc.add_text(fields.paths, path);
    }
    doc
}

/// Walks a document, adding its terms; each path that has a value is noted once.
struct Walker<'a> {
    doc: TantivyDocument,
    fields: &'a Fields,
    path: String,
    paths: BTreeSet<String>,
}

impl Walker<'_> {
    fn note_path(&mut self) {
        if !self.paths.contains(&self.path) {
            self.paths.insert(self.path.clone());
        }
    }

    fn walk(&mut self, value: &Value, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if SKIPPED_KEYS.contains(&key.as_str())
                        || key.contains(SEP)
                        || (depth == 0 && matches!(key.as_str(), "entityType" | "deleted"))
                    {
                        continue;
                    }
                    let before = self.path.len();
                    if !self.path.is_empty() {
                        self.path.push('.');
                    }
                    self.path.push_str(key);
                    if !SKIPPED_PATHS.contains(&self.path.as_str()) {
                        // A non-empty object or list exists too (`exists` on `owners`, `columns`).
                        let filled = match child {
                            Value::Object(map) => !map.is_empty(),
                            Value::Array(items) => !items.is_empty(),
                            _ => false,
                        };
                        if filled {
                            self.note_path();
                        }
                        self.walk(child, depth + 1);
                    }
                    self.path.truncate(before);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.walk(item, depth + 1)),
            Value::Null => {}
            Value::String(text) => {
                self.note_path();
                if text.len() <= MAX_KEYWORD_BYTES {
                    add_keyword(&mut self.doc, self.fields, &self.path, text);
                }
                if WORD_PATHS.contains(&self.path.as_str()) {
                    for word in words(text) {
                        self.doc.add_text(self.fields.words, format!("{}{SEP}{word}", self.path));
                    }
                }
            }
            Value::Bool(b) => {
                self.note_path();
                add_keyword(&mut self.doc, self.fields, &self.path, if *b { "true" } else { "false" });
            }
            Value::Number(n) => {
                self.note_path();
                add_keyword(&mut self.doc, self.fields, &self.path, &n.to_string());
            }
        }
    }
}

fn add_keyword(doc: &mut TantivyDocument, fields: &Fields, path: &str, value: &str) {
    doc.add_text(fields.keywords, format!("{path}{SEP}{value}"));
}

/// The words of a text: runs of letters and digits, lower-cased (`dim_Customer.v2` → `dim`,
/// `customer`, `v2`); overlong runs are left out.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD_CHARS)
        .map(str::to_lowercase)
}

/// A name's words, and the humps of camelCase words (`orderItems` → `orderitems`, `items`), so
/// the start of any of them finds the name.
fn name_words(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).flat_map(|run| {
        let mut found: Vec<String> = words(run).collect();
        let mut previous_lower = false;
        for (at, c) in run.char_indices() {
            if previous_lower && c.is_uppercase() {
                found.extend(words(&run[at..]));
            }
            previous_lower = c.is_lowercase();
        }
        found
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_humps_start_words_of_a_name() {
        let found: Vec<String> = name_words("dim_orderLineItems x").collect();
        assert_eq!(found, ["dim", "orderlineitems", "lineitems", "items", "x"]);
    }

    #[test]
    fn words_split_on_anything_but_letters_and_digits() {
        let found: Vec<String> = words("dim_Customer.v2 ÜBER/ü  x").collect();
        assert_eq!(found, ["dim", "customer", "v2", "über", "ü", "x"]);
    }
}
