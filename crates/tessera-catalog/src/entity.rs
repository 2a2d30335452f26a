//! A stored entity: its JSON document (everything but `href`, which depends on the server's URL)
//! and the columns the store indexes. Rendering adds `href`s and applies the `fields` parameter.

use crate::error::CatalogError;
use crate::kind::{Kind, OPTIONAL_FIELDS};
use serde_json::{Map, Value, json};
use tessera_store::CatalogRow;

/// Fields the server owns; a create request cannot set them and changes never list them.
pub const SYSTEM_FIELDS: &[&str] = &[
    "id",
    "name",
    "fullyQualifiedName",
    "version",
    "updatedAt",
    "updatedBy",
    "href",
    "changeDescription",
    "deleted",
    "service",
    "database",
    "databaseSchema",
    "classification",
    "serviceType",
    // An ingestion pipeline's, set on creation and by deploy/toggle (not by its create request).
    "enabled",
    "deployed",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub kind: Kind,
    pub fqn_hash: String,
    pub doc: Map<String, Value>,
}

impl Entity {
    pub fn id(&self) -> &str {
        self.str("id")
    }

    pub fn name(&self) -> &str {
        self.str("name")
    }

    pub fn fqn(&self) -> &str {
        self.str("fullyQualifiedName")
    }

    pub fn version(&self) -> f64 {
        self.doc.get("version").and_then(Value::as_f64).unwrap_or(0.1)
    }

    pub fn deleted(&self) -> bool {
        self.doc.get("deleted").and_then(Value::as_bool).unwrap_or(false)
    }

    /// The type lists filter on within the kind (an ingestion pipeline's `pipelineType`), or `""`.
    pub fn subtype(&self) -> &str {
        self.kind.subtype_field().map(|f| self.str(f)).unwrap_or_default()
    }

    pub fn source_hash(&self) -> Option<&str> {
        self.doc.get("sourceHash").and_then(Value::as_str)
    }

    fn str(&self, key: &str) -> &str {
        self.doc.get(key).and_then(Value::as_str).unwrap_or_default()
    }

    /// The fields a user (or the ingestion client) sets: everything but [`SYSTEM_FIELDS`].
    pub fn user_fields(&self) -> Map<String, Value> {
        self.doc
            .iter()
            .filter(|(k, _)| !SYSTEM_FIELDS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// An `EntityReference` to this entity, as stored (no `href`).
    pub fn reference(&self) -> Value {
        let mut reference = json!({
            "id": self.id(),
            "type": self.kind.name(),
            "name": self.name(),
            "fullyQualifiedName": self.fqn(),
            "deleted": self.deleted(),
        });
        let display = self.doc.get("displayName").cloned().unwrap_or_else(|| json!(self.name()));
        reference["displayName"] = display;
        reference
    }

    pub fn from_row(row: &CatalogRow) -> Result<Entity, CatalogError> {
        let damaged = |reason: String| CatalogError::Damaged { id: row.id.clone(), reason };
        let kind = Kind::parse(&row.kind).ok_or_else(|| damaged(format!("unknown kind {}", row.kind)))?;
        let doc: Map<String, Value> = serde_json::from_str(&row.body).map_err(|e| damaged(e.to_string()))?;
        Ok(Entity { kind, fqn_hash: row.fqn_hash.clone(), doc })
    }

    pub fn to_row(&self) -> CatalogRow {
        CatalogRow {
            id: self.id().to_string(),
            kind: self.kind.name().to_string(),
            fqn: self.fqn().to_string(),
            fqn_hash: self.fqn_hash.clone(),
            name: self.name().to_string(),
            body: serde_json::to_string(&self.doc).expect("a JSON map serialises"),
            version: self.version(),
            deleted: self.deleted(),
            updated_at: self.doc.get("updatedAt").and_then(Value::as_i64).unwrap_or_default(),
            updated_by: self.str("updatedBy").to_string(),
            subtype: self.subtype().to_string(),
        }
    }
}

/// The `fields` parameter: which optional fields to include.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fields {
    All,
    Named(Vec<String>),
}

impl Fields {
    /// `*`, or a comma list of the type's field names; an unknown name is refused with the list.
    pub fn parse(kind: Kind, text: Option<&str>) -> Result<Fields, CatalogError> {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(Fields::Named(vec![])) };
        if text == "*" {
            return Ok(Fields::All);
        }
        let mut names = Vec::new();
        for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !kind.field_names().contains(&name) {
                return Err(CatalogError::Invalid(format!(
                    "Invalid field name {name}; the fields of {kind} are: {}",
                    kind.field_names().join(", ")
                )));
            }
            names.push(name.to_string());
        }
        Ok(Fields::Named(names))
    }

    /// Whether `name` is listed by name (not by `*`): for fields that cost a lookup per entity,
    /// which `*` (and the full answers of writes) leave out.
    pub(crate) fn names(&self, name: &str) -> bool {
        matches!(self, Fields::Named(names) if names.iter().any(|n| n == name))
    }

    pub(crate) fn wants(&self, name: &str) -> bool {
        match self {
            Fields::All => true,
            Fields::Named(names) => names.iter().any(|n| n == name),
        }
    }
}

/// The entity as the API shows it: `href`s added, optional fields only when asked for (lists the
/// original always fills, `owners`/`tags`/`followers`, as `[]` when absent), connection secrets
/// masked (bots get them in clear through `Catalog::render`).
pub fn render(entity: &Entity, base_url: &str, fields: &Fields) -> Value {
    render_owned(entity.clone(), base_url, fields)
}

/// [`render`] of an entity the caller no longer needs (no copy of its document).
pub fn render_owned(entity: Entity, base_url: &str, fields: &Fields) -> Value {
    let mut doc = render_sealed(entity, base_url, fields);
    crate::secrets::mask_fields(&mut doc);
    Value::Object(doc)
}

/// [`render`] with connection secrets still sealed: never answered as it is.
pub(crate) fn render_sealed(entity: Entity, base_url: &str, fields: &Fields) -> Map<String, Value> {
    let href_self = href(base_url, entity.kind, entity.id());
    let entity_kind = entity.kind;
    let mut doc = entity.doc;
    doc.insert("href".into(), json!(href_self));
    for (key, kind) in [
        ("service", Kind::DatabaseService),
        ("database", Kind::Database),
        ("databaseSchema", Kind::DatabaseSchema),
        ("classification", Kind::Classification),
    ] {
        if let Some(Value::Object(reference)) = doc.get_mut(key) {
            let id = reference.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
            reference.insert("href".into(), json!(href(base_url, kind, &id)));
        }
    }
    if entity_kind == Kind::Query {
        doc.remove("deleted"); // kept for the catalog; the 1.7 Query model has no such field
        doc.remove("dialect"); // stored by earlier builds; the client refuses a query with it
    }
    for name in OPTIONAL_FIELDS {
        if !fields.wants(name) || !entity_kind.field_names().contains(name) {
            doc.remove(*name);
        } else if matches!(*name, "owners" | "tags" | "followers") && !doc.contains_key(*name) {
            doc.insert(name.to_string(), json!([]));
        }
    }
    doc
}

pub fn href(base_url: &str, kind: Kind, id: &str) -> String {
    format!("{base_url}/api/v1/{}/{id}", kind.collection())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Entity {
        let doc = json!({"id": "t1", "name": "t", "fullyQualifiedName": "s.d.m.t", "version": 0.1, "deleted": false,
            "columns": [], "sourceHash": "h", "service": {"id": "s1", "type": "databaseService"}});
        Entity { kind: Kind::Table, fqn_hash: "x".into(), doc: doc.as_object().unwrap().clone() }
    }

    #[test]
    fn fields_pick_the_optional_ones() {
        let lean = render(&table(), "http://h", &Fields::parse(Kind::Table, None).unwrap());
        assert!(lean.get("sourceHash").is_none() && lean.get("owners").is_none());
        assert_eq!(lean["columns"], json!([]), "columns are always there");
        assert_eq!(lean["href"], "http://h/api/v1/tables/t1");
        assert_eq!(lean["service"]["href"], "http://h/api/v1/services/databaseServices/s1");
        let hashed = render(&table(), "http://h", &Fields::parse(Kind::Table, Some("sourceHash")).unwrap());
        assert_eq!(hashed["sourceHash"], "h");
        let all = render(&table(), "http://h", &Fields::All);
        assert_eq!((all["owners"].clone(), all["tags"].clone()), (json!([]), json!([])));
        assert!(all.get("lifeCycle").is_none(), "absent optional fields stay absent");
    }

    #[test]
    fn unknown_field_names_are_refused_with_the_list() {
        let err = Fields::parse(Kind::Database, Some("owners,colour")).unwrap_err().to_string();
        assert!(err.starts_with("Invalid field name colour; the fields of database are: owners"), "{err}");
        assert_eq!(Fields::parse(Kind::Table, Some(" * ")).unwrap(), Fields::All);
    }
}
