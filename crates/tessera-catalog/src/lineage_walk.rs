//! The lineage around an entity, as 1.7's `GET /lineage/{type}/{id}` walks it: `upstreamDepth`
//! levels of edges into it, then `downstreamDepth` levels out of it, each level one query per
//! [`IDS_PER_QUERY`] entities. Deleted entities drop out (with their edges, and the walk stops at
//! them); an entity reached twice is walked once, so cycles end. A stored procedure's lineage is
//! the edges that name it as their pipeline.

use crate::entity::Entity;
use crate::error::CatalogError;
use crate::kind::Kind;
use crate::lineage::details_of;
use crate::service::Catalog;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use tessera_store::{IDS_PER_QUERY, LineageRow, LineageStore};

/// The deepest walk 1.7 allows each way.
pub const MAX_DEPTH: u32 = 3;
/// The most edges one answer carries; a walk that reaches more is refused with a 400 that says to
/// ask for less depth (1.7 would send them all).
pub const MAX_EDGES: usize = 10_000;

/// One edge of an answer: the ends' ids and the stored details.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from_id: String,
    pub to_id: String,
    pub details: Map<String, Value>,
}

/// What a walk found: the entities reached (not the start) and the edges each way.
#[derive(Debug, Clone, Default)]
pub struct Lineage {
    pub nodes: Vec<Entity>,
    pub upstream: Vec<Edge>,
    pub downstream: Vec<Edge>,
}

struct Walk<'a> {
    catalog: &'a Catalog,
    /// Entities known live (the start included), by id.
    live: BTreeMap<String, Entity>,
    /// Ids found deleted or missing: edges to them are dropped.
    gone: BTreeSet<String>,
    edges: usize,
}

impl Catalog {
    /// The lineage of `entity` (live), `up` and `down` levels (each at most [`MAX_DEPTH`]).
    pub async fn lineage(&self, entity: &Entity, up: u32, down: u32) -> Result<Lineage, CatalogError> {
        for (name, depth) in [("upstreamDepth", up), ("downstreamDepth", down)] {
            if depth > MAX_DEPTH {
                return Err(CatalogError::Invalid(format!(
                    "[query param {name} must be less than or equal to {MAX_DEPTH}]"
                )));
            }
        }
        let mut walk = Walk { catalog: self, live: BTreeMap::new(), gone: BTreeSet::new(), edges: 0 };
        walk.live.insert(entity.id().to_string(), entity.clone());
        let mut lineage = Lineage::default();
        if entity.kind == Kind::StoredProcedure {
            let rows = self.store.lineage_through(entity.id(), (MAX_EDGES + 1) as i64).await?;
            lineage.downstream = walk.keep_live(rows).await?;
        } else {
            lineage.upstream = walk.levels(entity.id(), up, true).await?;
            lineage.downstream = walk.levels(entity.id(), down, false).await?;
        }
        let start = entity.id().to_string();
        lineage.nodes = walk.live.into_iter().filter(|(id, _)| *id != start).map(|(_, e)| e).collect();
        Ok(lineage)
    }
}

impl Walk<'_> {
    /// `depth` levels from `start`, upstream or downstream; the edges found, in walk order.
    async fn levels(&mut self, start: &str, depth: u32, upstream: bool) -> Result<Vec<Edge>, CatalogError> {
        let mut found = Vec::new();
        let mut frontier = vec![start.to_string()];
        let mut walked: BTreeSet<String> = BTreeSet::from([start.to_string()]);
        for _ in 0..depth {
            let mut rows = Vec::new();
            for chunk in frontier.chunks(IDS_PER_QUERY) {
                let ids: Vec<&str> = chunk.iter().map(String::as_str).collect();
                let room = (MAX_EDGES + 1).saturating_sub(self.edges + rows.len()).max(1);
                rows.extend(self.catalog.store.lineage_next(&ids, upstream, room as i64).await?);
                self.check_size(rows.len())?;
            }
            let edges = self.keep_live(rows).await?;
            frontier = edges
                .iter()
                .map(|e| if upstream { &e.from_id } else { &e.to_id })
                .filter(|id| walked.insert((*id).clone()))
                .cloned()
                .collect();
            found.extend(edges);
            if frontier.is_empty() {
                break;
            }
        }
        Ok(found)
    }

    fn check_size(&self, more: usize) -> Result<(), CatalogError> {
        if self.edges + more > MAX_EDGES {
            return Err(CatalogError::Invalid(format!(
                "the lineage asked for has more than {MAX_EDGES} edges; ask for a smaller upstreamDepth or downstreamDepth"
            )));
        }
        Ok(())
    }

    /// The rows whose both ends are live (looking up the ends not seen yet), as edges.
    async fn keep_live(&mut self, rows: Vec<LineageRow>) -> Result<Vec<Edge>, CatalogError> {
        self.check_size(rows.len())?;
        let unseen: BTreeSet<&str> = rows
            .iter()
            .flat_map(|r| [r.from_id.as_str(), r.to_id.as_str()])
            .filter(|id| !self.live.contains_key(*id) && !self.gone.contains(*id))
            .collect();
        let unseen: Vec<&str> = unseen.into_iter().collect();
        for chunk in unseen.chunks(IDS_PER_QUERY) {
            for row in self.catalog.store.lineage_entities(chunk).await? {
                let entity = Entity::from_row(&row)?;
                if !entity.deleted() {
                    self.live.insert(row.id.clone(), entity);
                }
            }
            self.gone.extend(chunk.iter().filter(|id| !self.live.contains_key(**id)).map(|id| id.to_string()));
        }
        let mut edges = Vec::new();
        for row in rows {
            if self.live.contains_key(&row.from_id) && self.live.contains_key(&row.to_id) {
                edges.push(Edge { details: details_of(&row)?, from_id: row.from_id, to_id: row.to_id });
            }
        }
        self.edges += edges.len();
        Ok(edges)
    }
}
