//! Full-text search over the replica's index (`search_feed.rs` keeps it in step): the index finds
//! and orders ids, the database supplies the entities, so a hit is always the stored entity as
//! it is now (one deleted since the index last caught up is left out).

use crate::entity::Entity;
use crate::error::CatalogError;
use crate::kind::Kind;
use crate::list::Include;
use crate::search::MAX_SEARCH_SIZE;
use crate::search_feed::SearchFeed;
use crate::service::Catalog;
use std::collections::HashMap;
use std::time::Duration;
use tessera_search::{Filter, Hit, SearchRequest, Sort};
use tessera_store::{IDS_PER_QUERY, LineageStore, SEARCH_WINDOW};

/// A search waits this long at most for the index to take in the latest writes, then answers
/// from what it holds.
const CATCH_UP_WAIT: Duration = Duration::from_secs(1);

/// One search, as `GET /api/v1/search/query` asks it.
pub struct Search<'a> {
    pub text: &'a str,
    pub kinds: &'a [Kind],
    pub include: Include,
    pub filter: &'a Filter,
    pub sort: Sort,
    pub search_after: Option<&'a str>,
    pub from: i64,
    pub size: i64,
}

/// A page of hits with their entities, in the index's order.
pub struct Found {
    pub total: usize,
    pub hits: Vec<(Entity, Hit)>,
}

impl Catalog {
    pub fn search_feed(&self) -> &SearchFeed {
        &self.search
    }

    /// Catches the index up with the database, then searches it.
    pub async fn search(&self, search: &Search<'_>) -> Result<Found, CatalogError> {
        if !(0..=MAX_SEARCH_SIZE).contains(&search.size) {
            return Err(CatalogError::Invalid(format!(
                "size must be between 0 and {MAX_SEARCH_SIZE}, not {}; page with from or search_after",
                search.size
            )));
        }
        if search.from < 0 || search.from.saturating_add(search.size) > SEARCH_WINDOW {
            return Err(CatalogError::Invalid(format!(
                "from + size must be at most {SEARCH_WINDOW} (from={}, size={}); page further with search_after",
                search.from, search.size
            )));
        }
        // The catch-up runs as its own task: a search that stops waiting for it does not stop it
        // (a rebuild it started goes on to the end).
        let (feed, store) = (self.search.clone(), self.store.clone());
        let catching_up = tokio::spawn(async move { feed.catch_up(&store).await });
        match tokio::time::timeout(CATCH_UP_WAIT, catching_up).await {
            Ok(Ok(caught_up)) => drop(caught_up?),
            Ok(Err(failed)) => return Err(CatalogError::SearchIndex(format!("the catch-up task failed: {failed}"))),
            Err(_) => tracing::warn!("the search index is still catching up; answering from what it holds"),
        }
        let kinds: Vec<&str> = search.kinds.iter().map(|k| k.name()).collect();
        let deleted = match search.include {
            Include::NonDeleted => Some(false),
            Include::Deleted => Some(true),
            Include::All => None,
        };
        let request = SearchRequest {
            text: search.text,
            kinds: &kinds,
            deleted,
            filter: search.filter,
            sort: search.sort,
            search_after: search.search_after,
            from: search.from as usize,
            size: search.size as usize,
        };
        let index = self.search.index_handle();
        let owned = OwnedRequest::of(&request);
        let hits = tokio::task::spawn_blocking(move || index.search(&owned.borrow()))
            .await
            .map_err(|e| CatalogError::SearchIndex(format!("the search task failed: {e}")))??;
        let ids: Vec<&str> = hits.hits.iter().map(|h| h.id.as_str()).collect();
        let mut rows = HashMap::new();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            for row in self.store.lineage_entities(chunk).await? {
                rows.insert(row.id.clone(), row);
            }
        }
        let mut found = Vec::with_capacity(hits.hits.len());
        for hit in hits.hits {
            let Some(row) = rows.get(&hit.id) else { continue };
            found.push((Entity::from_row(row)?, hit));
        }
        Ok(Found { total: hits.total, hits: found })
    }
}

impl Catalog {
    /// Catches the index up now (a rebuild when it needs one), then every [`FOLLOW_PERIOD`], so
    /// searches rarely wait; failures are logged and retried.
    pub fn follow_search_feed(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                match self.search.catch_up(&self.store).await {
                    Ok(done) if done.rebuilt => tracing::info!(entities = done.entities, "search index built"),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "search index catch-up failed; retrying"),
                }
                self.search.end_first_pass();
                tokio::time::sleep(FOLLOW_PERIOD).await;
            }
        })
    }
}

/// How often the background follower catches the index up. Each catch-up ends in a commit, and
/// commits (with the merges they cause) cost more than the documents between them: once a second
/// keeps bulk ingestion's indexing cheap, and searches catch up for themselves anyway.
const FOLLOW_PERIOD: Duration = Duration::from_secs(1);

/// A [`SearchRequest`]'s values, owned, to cross to the blocking search thread.
struct OwnedRequest {
    text: String,
    kinds: Vec<&'static str>,
    deleted: Option<bool>,
    filter: Filter,
    sort: Sort,
    search_after: Option<String>,
    from: usize,
    size: usize,
}

impl OwnedRequest {
    fn of(request: &SearchRequest<'_>) -> OwnedRequest {
        let kinds = crate::search_feed::SEARCHED_KINDS
            .iter()
            .map(|k| k.name())
            .filter(|name| request.kinds.contains(name))
            .collect();
        OwnedRequest {
            text: request.text.to_string(),
            kinds,
            deleted: request.deleted,
            filter: request.filter.clone(),
            sort: request.sort,
            search_after: request.search_after.map(str::to_string),
            from: request.from,
            size: request.size,
        }
    }

    fn borrow(&self) -> SearchRequest<'_> {
        SearchRequest {
            text: &self.text,
            kinds: &self.kinds,
            deleted: self.deleted,
            filter: &self.filter,
            sort: self.sort,
            search_after: self.search_after.as_deref(),
            from: self.from,
            size: self.size,
        }
    }
}

/// A page of the queries that mention an entity (`GET /queries?entityId=`).
pub struct QueriesOf {
    pub items: Vec<Entity>,
    pub total: usize,
    /// The last item's FQN when another page follows (the next page's `after`).
    pub after: Option<String>,
}

impl Catalog {
    /// The queries whose `queryUsedIn` names `entity_id`, in FQN order, `limit` at most, after
    /// the FQN `after` (a previous page's last), found through the search index.
    pub async fn queries_of(
        &self,
        entity_id: &str,
        include: Include,
        limit: i64,
        after: Option<String>,
    ) -> Result<QueriesOf, CatalogError> {
        let filter = Filter::Term { path: "queryUsedIn.id".into(), values: vec![entity_id.to_string()] };

        let (mut cursor, mut items, mut total) = (after, Vec::new(), 0);
        while (items.len() as i64) < limit {
            let size = (limit - items.len() as i64).min(MAX_SEARCH_SIZE);
            let found = self.search(&queries_page(&filter, include, cursor.as_deref(), size)).await?;
            if total == 0 {
                total = found.total;
            }
            let full = found.hits.len() as i64 == size;
            let last = found.hits.last().map(|(_, hit)| hit.sort.clone());
            items.extend(found.hits.into_iter().map(|(entity, _)| entity));
            match last {
                Some(last) if full => cursor = Some(last),
                _ => return Ok(QueriesOf { items, total, after: None }),
            }
        }
        // A next page only when something follows (one more hit asked for).
        let more = !self.search(&queries_page(&filter, include, cursor.as_deref(), 1)).await?.hits.is_empty();
        Ok(QueriesOf { items, total, after: cursor.filter(|_| more) })
    }
}

/// One page of a search for queries, in FQN order, after `search_after`.
fn queries_page<'a>(filter: &'a Filter, include: Include, search_after: Option<&'a str>, size: i64) -> Search<'a> {
    let sort = Sort { field: tessera_search::SortField::FullyQualifiedName, descending: false };
    Search { text: "", kinds: &[Kind::Query], include, filter, sort, search_after, from: 0, size }
}
