//! Lineage edges as 1.7 keeps them: one per ordered pair of data assets, carrying LineageDetails
//! (`sqlQuery`, `columnsLineage`, `pipeline`, `source`, who and when). Ends and the pipeline are
//! resolved by type and id among live entities; column lineage names columns of the ends. The
//! walk is in `lineage_walk.rs`. Who may change an edge is the caller's question (both ends'
//! `EditLineage`), asked with the ends this module resolves before anything is written.

use crate::entity::Entity;
use crate::error::CatalogError;
use crate::kind::Kind;
use crate::list::Include;
use crate::service::Catalog;
use serde_json::{Map, Value, json};
use tessera_store::{LineageRow, LineageStore};

/// The kinds an edge may join (Tessera's data assets).
pub const LINEAGE_KINDS: [Kind; 5] =
    [Kind::DatabaseService, Kind::Database, Kind::DatabaseSchema, Kind::Table, Kind::StoredProcedure];

/// 1.7's `LineageDetails.source` values.
pub const LINEAGE_SOURCES: [&str; 11] = [
    "Manual",
    "ViewLineage",
    "QueryLineage",
    "PipelineLineage",
    "DashboardLineage",
    "DbtLineage",
    "SparkLineage",
    "OpenLineage",
    "ExternalTableLineage",
    "CrossDatabaseLineage",
    "ChildAssets",
];

/// LineageDetails fields a request may set (the `created*`/`updated*` ones are the server's).
const DETAIL_FIELDS: &[&str] = &[
    "sqlQuery",
    "columnsLineage",
    "pipeline",
    "description",
    "source",
    "assetEdges",
    "createdAt",
    "createdBy",
    "updatedAt",
    "updatedBy",
];

fn invalid(message: String) -> CatalogError {
    CatalogError::Invalid(message)
}

/// 1.7's 404 for a pair without an edge.
pub fn edge_not_found(from: &str, to: &str) -> CatalogError {
    CatalogError::EdgeNotFound(format!("Lineage edge not found between {from} and  {to}"))
}

/// A kind lineage may join, from a reference's `type`.
pub fn lineage_kind(type_name: &str, at: &str) -> Result<Kind, CatalogError> {
    Kind::parse(type_name).filter(|k| LINEAGE_KINDS.contains(k)).ok_or_else(|| {
        let known: Vec<&str> = LINEAGE_KINDS.iter().map(|k| k.name()).collect();
        invalid(format!("{at}: Tessera keeps lineage between {}, not {type_name:?}", known.join(", ")))
    })
}

/// An `AddLineage` request, read: the two ends (type, id) and the details as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEdge {
    pub from: (Kind, String),
    pub to: (Kind, String),
    pub details: Map<String, Value>,
}

fn reference(value: Option<&Value>, at: &str) -> Result<(Kind, String), CatalogError> {
    let value =
        value.ok_or_else(|| invalid(format!("{at} is required: {{\"id\": \"<uuid>\", \"type\": \"table\"}}")))?;
    let text = |key: &str| value.get(key).and_then(Value::as_str);
    let (Some(id), Some(type_name)) = (text("id"), text("type")) else {
        return Err(invalid(format!("{at} needs an id and a type, as {{\"id\": \"<uuid>\", \"type\": \"table\"}}")));
    };
    Ok((lineage_kind(type_name, &format!("{at}.type"))?, id.to_string()))
}

/// Reads `{"edge": {"fromEntity", "toEntity", "description"?, "lineageDetails"?}}`.
pub fn parse_add(body: &Value) -> Result<NewEdge, CatalogError> {
    let Some(Value::Object(edge)) = body.get("edge") else {
        return Err(invalid(
            "The body must be {\"edge\": {\"fromEntity\": {\"id\", \"type\"}, \"toEntity\": {\"id\", \"type\"}, \"lineageDetails\": {...}}}".into(),
        ));
    };
    if let Some(extra) = body.as_object().and_then(|b| b.keys().find(|k| *k != "edge")) {
        return Err(invalid(format!("{extra} is not a field of AddLineage; send only edge")));
    }
    if let Some(extra) =
        edge.keys().find(|k| !["fromEntity", "toEntity", "description", "lineageDetails"].contains(&k.as_str()))
    {
        return Err(invalid(format!(
            "edge.{extra} is not a field of an edge (fromEntity, toEntity, description, lineageDetails)"
        )));
    }
    let mut details = match edge.get("lineageDetails") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(details)) => details.clone(),
        Some(_) => return Err(invalid("edge.lineageDetails must be an object".into())),
    };
    if let (Some(description), false) = (edge.get("description"), details.contains_key("description")) {
        details.insert("description".into(), description.clone());
    }
    Ok(NewEdge {
        from: reference(edge.get("fromEntity"), "edge.fromEntity")?,
        to: reference(edge.get("toEntity"), "edge.toEntity")?,
        details,
    })
}

/// The column paths of an entity's columns (nested ones as `parent.child`).
fn column_paths(entity: &Entity) -> Vec<String> {
    fn walk(columns: &[Value], parent: &str, out: &mut Vec<String>) {
        for column in columns {
            let name = column.get("name").and_then(Value::as_str).unwrap_or_default();
            let path = if parent.is_empty() { name.to_string() } else { format!("{parent}.{name}") };
            if let Some(children) = column.get("children").and_then(Value::as_array) {
                walk(children, &path, out);
            }
            out.push(path);
        }
    }
    let mut out = Vec::new();
    walk(entity.doc.get("columns").and_then(Value::as_array).map_or(&[][..], Vec::as_slice), "", &mut out);
    out
}

/// Whether `column` (a column FQN as sent) names a column of `entity`.
fn names_column(entity: &Entity, paths: &[String], column: &str) -> bool {
    column
        .strip_prefix(entity.fqn())
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|path| paths.iter().any(|p| p == path))
}

/// Checks the details against the ends and the request's shape; the stored document.
fn checked_details(
    mut details: Map<String, Value>,
    from: &Entity,
    to: &Entity,
) -> Result<Map<String, Value>, CatalogError> {
    details.retain(|_, v| !v.is_null());
    if let Some(extra) = details.keys().find(|k| !DETAIL_FIELDS.contains(&k.as_str())) {
        return Err(invalid(format!(
            "lineageDetails.{extra} is not a field of LineageDetails ({})",
            DETAIL_FIELDS.join(", ")
        )));
    }
    for key in ["sqlQuery", "description"] {
        if details.get(key).is_some_and(|v| !v.is_string()) {
            return Err(invalid(format!("lineageDetails.{key} must be a string")));
        }
    }
    let source = details.get("source").cloned().unwrap_or_else(|| json!("Manual"));
    if !source.as_str().is_some_and(|s| LINEAGE_SOURCES.contains(&s)) {
        return Err(invalid(format!(
            "lineageDetails.source must be one of {}, not {source}",
            LINEAGE_SOURCES.join(", ")
        )));
    }
    details.insert("source".into(), source);
    let lineage = details.get("columnsLineage").cloned().unwrap_or_else(|| json!([]));
    let Value::Array(items) = &lineage else {
        return Err(invalid(
            "lineageDetails.columnsLineage must be a list of {fromColumns, toColumn, function}".into(),
        ));
    };
    if !items.is_empty() {
        for end in [from, to] {
            if end.kind != Kind::Table {
                return Err(invalid(format!("Unsupported Entity Type {} for lineage", end.kind.name())));
            }
        }
        let (from_paths, to_paths) = (column_paths(from), column_paths(to));
        for item in items {
            let Value::Object(item) = item else {
                return Err(invalid(
                    "each columnsLineage item must be an object {fromColumns, toColumn, function}".into(),
                ));
            };
            if let Some(extra) = item.keys().find(|k| !["fromColumns", "toColumn", "function"].contains(&k.as_str())) {
                return Err(invalid(format!(
                    "columnsLineage.{extra} is not a field (fromColumns, toColumn, function)"
                )));
            }
            let from_columns = item.get("fromColumns").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
            for column in from_columns {
                let name =
                    column.as_str().ok_or_else(|| invalid("fromColumns must be a list of column FQNs".into()))?;
                if !names_column(from, &from_paths, name) {
                    return Err(invalid(format!("Invalid column name {name}")));
                }
            }
            if let Some(column) = item.get("toColumn").filter(|c| !c.is_null()) {
                let name = column.as_str().ok_or_else(|| invalid("toColumn must be a column FQN".into()))?;
                if !names_column(to, &to_paths, name) {
                    return Err(invalid(format!("Invalid column name {name}")));
                }
            }
        }
    }
    details.insert("columnsLineage".into(), lineage);
    Ok(details)
}

/// An edge ready to be stored: its ends, the resolved pipeline and the checked details.
pub struct ResolvedEdge {
    pub from: Entity,
    pub to: Entity,
    pub pipeline: Option<Entity>,
    details: Map<String, Value>,
}

impl Catalog {
    /// The live entity an edge's end names (404 `table instance for <id> not found`).
    pub async fn lineage_end(&self, kind: Kind, id: &str) -> Result<Entity, CatalogError> {
        self.by_id(kind, id, Include::NonDeleted).await
    }

    /// Checks an edge between two live ends (read with [`Catalog::lineage_end`]): its details,
    /// columns and pipeline, without storing it.
    pub async fn resolve_edge(
        &self,
        from: Entity,
        to: Entity,
        details: Map<String, Value>,
    ) -> Result<ResolvedEdge, CatalogError> {
        if from.id() == to.id() {
            return Err(invalid(format!("An edge joins two entities: {} cannot be its own upstream", from.fqn())));
        }
        let mut details = checked_details(details, &from, &to)?;
        let pipeline = match details.get("pipeline") {
            None => None,
            Some(pipeline) => {
                let (kind, id) = reference(Some(pipeline), "lineageDetails.pipeline")?;
                if kind != Kind::StoredProcedure {
                    return Err(invalid(format!(
                        "lineageDetails.pipeline must be a storedProcedure here (Tessera serves no pipelines), not {}",
                        kind.name()
                    )));
                }
                let pipeline = self.lineage_end(kind, &id).await?;
                details.insert("pipeline".into(), pipeline.reference());
                Some(pipeline)
            }
        };
        Ok(ResolvedEdge { from, to, pipeline, details })
    }

    /// Stores a resolved edge (replacing the pair's earlier one), stamped by `by` now.
    pub async fn save_edge(&self, edge: ResolvedEdge, by: &str) -> Result<Map<String, Value>, CatalogError> {
        let ResolvedEdge { from, to, pipeline, mut details } = edge;
        let now = json!(self.now());
        for key in ["createdAt", "updatedAt"] {
            details.insert(key.into(), now.clone());
        }
        for key in ["createdBy", "updatedBy"] {
            details.insert(key.into(), json!(by));
        }
        self.store_edge(&from, &to, pipeline.as_ref(), &details).await?;
        Ok(details)
    }

    async fn store_edge(
        &self,
        from: &Entity,
        to: &Entity,
        pipeline: Option<&Entity>,
        details: &Map<String, Value>,
    ) -> Result<(), CatalogError> {
        let row = LineageRow {
            from_id: from.id().to_string(),
            to_id: to.id().to_string(),
            from_kind: from.kind.name().to_string(),
            to_kind: to.kind.name().to_string(),
            source: details.get("source").and_then(Value::as_str).unwrap_or("Manual").to_string(),
            pipeline_id: pipeline.map(|p| p.id().to_string()).unwrap_or_default(),
            details: Value::Object(details.clone()).to_string(),
        };
        Ok(self.store.lineage_upsert(&row).await?)
    }

    /// The ends' kinds and the stored details of the edge from `from_id` to `to_id`, if any.
    pub async fn edge(
        &self,
        from_id: &str,
        to_id: &str,
    ) -> Result<Option<([Kind; 2], Map<String, Value>)>, CatalogError> {
        let Some(row) = self.store.lineage_edge(from_id, to_id).await? else { return Ok(None) };
        let kind = |name: &str| {
            Kind::parse(name).ok_or_else(|| CatalogError::Damaged {
                id: format!("{from_id}->{to_id}"),
                reason: format!("unknown kind {name}"),
            })
        };
        Ok(Some(([kind(&row.from_kind)?, kind(&row.to_kind)?], details_of(&row)?)))
    }

    /// Applies a JSON Patch to the details of the edge between two live ends, checks the result as
    /// a new edge's, and stores it (created stamps kept, updated ones now and `by`).
    pub async fn patch_edge(
        &self,
        from: Entity,
        to: Entity,
        body: Value,
        by: &str,
    ) -> Result<Map<String, Value>, CatalogError> {
        let (_, stored) = self.edge(from.id(), to.id()).await?.ok_or_else(|| {
            CatalogError::EdgeNotFound(format!(
                "Lineage edge not found between {} {} and {} {}",
                from.kind.name(),
                from.id(),
                to.kind.name(),
                to.id()
            ))
        })?;
        let ops = crate::patch::parse(body)?;
        let Value::Object(patched) = crate::patch::apply(&Value::Object(stored.clone()), &ops)? else {
            return Err(invalid("the patched lineageDetails must stay an object".into()));
        };
        let ResolvedEdge { from, to, pipeline, mut details } = self.resolve_edge(from, to, patched).await?;
        for key in ["createdAt", "createdBy"] {
            if let Some(kept) = stored.get(key) {
                details.insert(key.into(), kept.clone());
            }
        }
        details.insert("updatedAt".into(), json!(self.now()));
        details.insert("updatedBy".into(), json!(by));
        self.store_edge(&from, &to, pipeline.as_ref(), &details).await?;
        Ok(details)
    }

    /// Deletes the edge between two entities; 404 when there is none.
    pub async fn delete_edge(&self, from: &Entity, to: &Entity) -> Result<(), CatalogError> {
        if self.store.lineage_delete(from.id(), to.id()).await? {
            Ok(())
        } else {
            Err(CatalogError::EdgeNotFound("Lineage edge not found".into()))
        }
    }

    /// Deletes the edges of one source around `entity`: through it for `PipelineLineage` (a stored
    /// procedure), else into it. How many.
    pub async fn delete_edges_by_source(&self, entity: &Entity, source: &str) -> Result<u64, CatalogError> {
        if !LINEAGE_SOURCES.contains(&source) {
            return Err(invalid(format!(
                "lineage source must be one of {}, not {source:?}",
                LINEAGE_SOURCES.join(", ")
            )));
        }
        Ok(if source == "PipelineLineage" {
            self.store.lineage_delete_by_pipeline(entity.id()).await?
        } else {
            self.store.lineage_delete_by_source(entity.id(), source).await?
        })
    }
}

/// The details document of a stored edge.
pub(crate) fn details_of(row: &LineageRow) -> Result<Map<String, Value>, CatalogError> {
    serde_json::from_str(&row.details)
        .map_err(|e| CatalogError::Damaged { id: format!("{}->{}", row.from_id, row.to_id), reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_requests_are_read_strictly() {
        let edge = parse_add(
            &json!({"edge": {"fromEntity": {"id": "a", "type": "table"}, "toEntity": {"id": "b", "type": "table"},
            "description": "d", "lineageDetails": {"sqlQuery": "select 1"}}}),
        )
        .unwrap();
        assert_eq!((edge.from, edge.to), ((Kind::Table, "a".into()), (Kind::Table, "b".into())));
        assert_eq!(edge.details["description"], "d");
        for (body, says) in [
            (json!({}), "The body must be"),
            (json!({"edge": {}, "more": 1}), "more is not a field"),
            (json!({"edge": {"fromEntity": {"id": "a", "type": "table"}}}), "edge.toEntity is required"),
            (
                json!({"edge": {"fromEntity": {"id": "a"}, "toEntity": {"id": "b", "type": "table"}}}),
                "needs an id and a type",
            ),
            (
                json!({"edge": {"fromEntity": {"id": "a", "type": "dashboard"}, "toEntity": {"id": "b", "type": "table"}}}),
                "not \"dashboard\"",
            ),
            (
                json!({"edge": {"fromEntity": {"id": "a", "type": "tag"}, "toEntity": {"id": "b", "type": "table"}}}),
                "not \"tag\"",
            ),
            (
                json!({"edge": {"fromEntity": {"id": "a", "type": "table"}, "toEntity": {"id": "b", "type": "table"}, "x": 1}}),
                "edge.x is not",
            ),
            (
                json!({"edge": {"fromEntity": {"id": "a", "type": "table"}, "toEntity": {"id": "b", "type": "table"}, "lineageDetails": []}}),
                "must be an object",
            ),
        ] {
            let message = parse_add(&body).unwrap_err().to_string();
            assert!(message.contains(says), "{body}: {message}");
        }
    }
}
