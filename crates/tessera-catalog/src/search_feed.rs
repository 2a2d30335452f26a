//! Keeps a replica's search index in step with the database: the first catch-up rebuilds the
//! index when it was never built, was left half-built, or is ahead of this database's change
//! feed (another database); every catch-up then applies the feed's entries since the index's
//! position, re-reading each entity they name (gone: dropped from the index). Searches catch up
//! first, so a write is found by the next search on any replica.
//!
//! On PostgreSQL, numbers of the feed can commit out of order (or never, when a transaction rolls
//! back): the position only moves over a contiguous run, entries past a hole are applied and
//! remembered, and a hole still open after [`HOLE_TIMEOUT`] is taken as a rollback.

use crate::entity::{Entity, Fields, render_owned};
use crate::error::CatalogError;
use crate::kind::Kind;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tessera_search::{Batch, IndexedEntity, Position, SearchIndex};
use tessera_store::{CatalogChangeStore, CatalogRow, IDS_PER_QUERY, LineageStore, Store};

/// Entries (and, in a rebuild, entities) read and indexed per commit: few commits, as each costs
/// more than a thousand documents.
const BATCH: i64 = 5000;
/// How long a hole in the feed's numbers may stay open before it is taken as a rollback.
const HOLE_TIMEOUT: Duration = Duration::from_secs(10);
/// Holes looked up for late entries per catch-up (the lowest first; more wait for the next).
const MAX_HOLES_LOOKED_UP: usize = 64;

/// The kinds the index holds (ingestion pipelines carry credentials and are not searched).
pub const SEARCHED_KINDS: &[Kind] = &[
    Kind::DatabaseService,
    Kind::Database,
    Kind::DatabaseSchema,
    Kind::Table,
    Kind::StoredProcedure,
    Kind::Classification,
    Kind::Tag,
    Kind::Query,
];

pub struct SearchFeed {
    index: Arc<SearchIndex>,
    cursor: tokio::sync::Mutex<Cursor>,
    /// Whether the follower's first catch-up is over (see [`SearchFeed::first_pass_over`]).
    first_pass: tokio::sync::watch::Sender<bool>,
}

#[derive(Default)]
struct Cursor {
    /// Set after the first catch-up (which may rebuild).
    started: bool,
    /// Every entry up to here is in the index.
    applied: i64,
    /// The entity id of the entry at `applied` (`""` when unknown).
    anchor: String,
    /// Entries past a hole, already applied: entity id and when first read (a hole below an
    /// entry is at least as old as that).
    seen: BTreeMap<i64, (String, Instant)>,
    /// The highest number read (entries above it are new to this cursor).
    read_to: i64,
}

impl Cursor {
    fn position(&self) -> Position {
        Position { seq: self.applied, complete: true, anchor: self.anchor.clone() }
    }
}

/// What a catch-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatchUp {
    /// Whether it rebuilt the index from every entity.
    pub rebuilt: bool,
    /// Entities (re)indexed or dropped.
    pub entities: usize,
}

impl SearchFeed {
    pub fn new(index: SearchIndex) -> SearchFeed {
        let first_pass = tokio::sync::watch::Sender::new(false);
        SearchFeed { index: Arc::new(index), cursor: tokio::sync::Mutex::default(), first_pass }
    }

    /// Resolves once the follower's first catch-up is over, whatever its outcome: on a first
    /// start (or after a version change) it builds the index, start-up's last large allocation.
    pub fn first_pass_over(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut over = self.first_pass.subscribe();
        async move {
            // The sender lives as long as the feed; once it is gone nothing is pending either.
            let _ = over.wait_for(|over| *over).await;
        }
    }

    pub(crate) fn end_first_pass(&self) {
        // Once: the follower calls this after every catch-up.
        self.first_pass.send_if_modified(|over| !std::mem::replace(over, true));
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    pub(crate) fn index_handle(&self) -> Arc<SearchIndex> {
        self.index.clone()
    }

    /// Brings the index up to the change feed (see the module comment).
    pub async fn catch_up(&self, store: &Store) -> Result<CatchUp, CatalogError> {
        let mut cursor = self.cursor.lock().await;
        let mut done = CatchUp::default();
        if !cursor.started {
            let latest = store.catalog_latest_change().await?;
            match self.index.position() {
                Some(position) if position.complete && self.same_feed(store, &position, latest).await? => {
                    cursor.applied = position.seq;
                    cursor.anchor = position.anchor;
                }
                _ => {
                    done.entities = self.rebuild_locked(store, latest).await?;
                    done.rebuilt = true;
                    cursor.applied = latest;
                    cursor.anchor = anchor_at(store, latest).await?;
                }
            }
            cursor.started = true;
        }
        // Late entries in the holes below what was read (a slow transaction's; a rolled-back
        // one's never comes), looked up one by one: holes are few.
        let mut late = Vec::new();
        let holes = (cursor.applied + 1..=cursor.read_to).filter(|seq| !cursor.seen.contains_key(seq));
        for seq in holes.take(MAX_HOLES_LOOKED_UP).collect::<Vec<_>>() {
            late.extend(store.catalog_change_at(seq).await?);
        }
        // Then what is new, to the feed's end.
        let mut from = cursor.read_to.max(cursor.applied);
        loop {
            let changes = store.catalog_changes_after(from, BATCH).await?;
            let full = changes.len() == BATCH as usize;
            from = changes.last().map_or(from, |c| c.seq);
            // Every entry here is new to the cursor (late ones fill holes, the rest are past `read_to`).
            let entries: Vec<(i64, String)> = late.drain(..).chain(changes).map(|c| (c.seq, c.entity_id)).collect();
            let fresh: Vec<String> = entries.iter().map(|(_, id)| id.clone()).collect();
            let before = cursor.applied;
            let position = advance(&mut cursor, entries, Instant::now());
            if !fresh.is_empty() || position != before {
                done.entities += self.reindex(store, &fresh, cursor.position()).await?;
            }
            if !full {
                return Ok(done);
            }
        }
    }

    /// Whether the index's position is a place in this database's feed: not past its end, and
    /// the entry there names the entity the index recorded (another database's feed does not).
    async fn same_feed(&self, store: &Store, position: &Position, latest: i64) -> Result<bool, CatalogError> {
        if position.seq > latest {
            return Ok(false);
        }
        Ok(position.seq == 0 || anchor_at(store, position.seq).await? == position.anchor)
    }

    /// Rebuilds the index from every entity (`tessera reindex`, or a missing index).
    pub async fn rebuild(&self, store: &Store) -> Result<usize, CatalogError> {
        let mut cursor = self.cursor.lock().await;
        let latest = store.catalog_latest_change().await?;
        let count = self.rebuild_locked(store, latest).await?;
        let anchor = anchor_at(store, latest).await?;
        *cursor = Cursor { started: true, applied: latest, anchor, ..Cursor::default() };
        Ok(count)
    }

    async fn rebuild_locked(&self, store: &Store, latest: i64) -> Result<usize, CatalogError> {
        let started = Instant::now();
        self.index.clear()?;
        let anchor = anchor_at(store, latest).await?;
        let partial = Position { seq: latest, complete: false, anchor: anchor.clone() };
        let mut after = String::new();
        let mut count = 0;
        loop {
            let rows = store.catalog_scan(&after, BATCH).await?;
            let Some(last) = rows.last() else { break };
            after = last.id.clone();
            let reached_the_end = rows.len() < BATCH as usize;
            let documents = documents(&rows);
            count += documents.len();
            self.write(documents, Vec::new(), partial.clone()).await?;
            // What is written from now on is in the feed after `latest`: one pass, rather than
            // chasing writers with a commit per handful of new rows (that halved bulk writes
            // while a first start's build ran).
            if reached_the_end {
                break;
            }
        }
        self.write(Vec::new(), Vec::new(), Position { seq: latest, complete: true, anchor }).await?;
        tracing::info!(entities = count, millis = started.elapsed().as_millis() as u64, "search index rebuilt");
        Ok(count)
    }

    /// Re-reads `ids` and writes them (or their absence) to the index at `position`.
    async fn reindex(&self, store: &Store, ids: &[String], position: Position) -> Result<usize, CatalogError> {
        let mut unique: Vec<&str> = ids.iter().map(String::as_str).collect();
        unique.sort_unstable();
        unique.dedup();
        let mut rows = Vec::with_capacity(unique.len());
        for chunk in unique.chunks(IDS_PER_QUERY) {
            rows.extend(store.lineage_entities(chunk).await?);
        }
        let found: BTreeSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let gone: Vec<String> = unique.iter().filter(|id| !found.contains(**id)).map(|id| id.to_string()).collect();
        let documents = documents(&rows);
        // Entities of kinds the index does not hold are dropped too (harmless when absent).
        let kept: BTreeSet<&str> = documents.iter().map(|d| d.id.as_str()).collect();
        let dropped: Vec<String> =
            rows.iter().filter(|r| !kept.contains(r.id.as_str())).map(|r| r.id.clone()).chain(gone).collect();
        self.write(documents, dropped, position).await?;
        Ok(unique.len())
    }

    async fn write(
        &self,
        documents: Vec<Document>,
        deletes: Vec<String>,
        position: Position,
    ) -> Result<(), CatalogError> {
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || {
            let upserts = documents
                .iter()
                .map(|d| IndexedEntity {
                    id: &d.id,
                    kind: d.kind.name(),
                    fqn: &d.fqn,
                    name: &d.name,
                    updated_at: d.updated_at,
                    deleted: d.deleted,
                    json: &d.json,
                })
                .collect();
            index.apply(Batch { upserts, deletes }, position)
        })
        .await
        .map_err(|e| CatalogError::SearchIndex(format!("the indexing task failed: {e}")))??;
        Ok(())
    }
}

/// The entity id of the feed's entry at `seq` (`""` when there is none).
async fn anchor_at(store: &Store, seq: i64) -> Result<String, CatalogError> {
    Ok(store.catalog_change_at(seq).await?.map(|c| c.entity_id).unwrap_or_default())
}

/// Notes `entries` (`(seq, entity id)`, read at `now`; each new to the cursor), moves `applied`
/// over the contiguous run and remembers the rest; returns the new position. A hole below an
/// entry first read more than [`HOLE_TIMEOUT`] ago is stepped over.
fn advance(cursor: &mut Cursor, entries: Vec<(i64, String)>, now: Instant) -> i64 {
    for (seq, entity_id) in entries {
        cursor.read_to = cursor.read_to.max(seq);
        if seq > cursor.applied {
            cursor.seen.entry(seq).or_insert((entity_id, now));
        }
    }
    loop {
        while let Some((anchor, _)) = cursor.seen.remove(&(cursor.applied + 1)) {
            cursor.applied += 1;
            cursor.anchor = anchor;
        }
        let Some((&next, (_, first_read))) = cursor.seen.first_key_value() else {
            return cursor.applied;
        };
        if now.duration_since(*first_read) < HOLE_TIMEOUT {
            return cursor.applied;
        }
        // A rollback's number: nothing is there to anchor on (a restart then rebuilds).
        cursor.applied = next - 1;
        cursor.anchor = String::new();
    }
}

/// An entity as the index needs it, owned (it crosses to the blocking indexing thread).
struct Document {
    id: String,
    kind: Kind,
    fqn: String,
    name: String,
    updated_at: i64,
    deleted: bool,
    json: serde_json::Value,
}

fn documents(rows: &[CatalogRow]) -> Vec<Document> {
    let mut documents = Vec::with_capacity(rows.len());
    for row in rows {
        // A damaged document is left out of the index (and logged) rather than stopping it.
        let entity = match Entity::from_row(row) {
            Ok(entity) => entity,
            Err(error) => {
                tracing::error!(%error, "not indexed");
                continue;
            }
        };
        if !SEARCHED_KINDS.contains(&entity.kind) {
            continue;
        }
        let kind = entity.kind;
        let json = render_owned(entity, "", &Fields::All);
        documents.push(Document {
            id: row.id.clone(),
            kind,
            fqn: row.fqn.clone(),
            name: row.name.clone(),
            updated_at: row.updated_at,
            deleted: row.deleted,
            json,
        });
    }
    documents
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(seqs: &[i64]) -> Vec<(i64, String)> {
        seqs.iter().map(|s| (*s, format!("e{s}"))).collect()
    }

    #[test]
    fn the_position_moves_over_contiguous_entries_only() {
        let start = Instant::now();
        let mut cursor = Cursor { started: true, applied: 10, ..Cursor::default() };
        assert_eq!(advance(&mut cursor, entries(&[11, 12, 14]), start), 12);
        assert_eq!((cursor.anchor.as_str(), cursor.read_to), ("e12", 14));
        assert_eq!(cursor.seen.keys().copied().collect::<Vec<_>>(), [14]);
        // 13 commits late: the run joins up.
        assert_eq!(advance(&mut cursor, entries(&[13]), start), 14);
        assert_eq!(cursor.anchor, "e14");
        assert!(cursor.seen.is_empty());
        // Holes that stay open are stepped over once the entries above them are old, each
        // timed from its own entry (two holes do not wait twice).
        assert_eq!(advance(&mut cursor, entries(&[16, 18]), start), 14);
        assert_eq!(advance(&mut cursor, entries(&[20]), start + HOLE_TIMEOUT / 2), 14);
        assert_eq!(advance(&mut cursor, Vec::new(), start + HOLE_TIMEOUT), 18);
        assert_eq!((cursor.anchor.as_str(), cursor.read_to), ("e18", 20));
        assert_eq!(advance(&mut cursor, Vec::new(), start + HOLE_TIMEOUT * 3 / 2), 20);
        assert_eq!(cursor.anchor, "e20");
    }
}
