//! The search index's rebuild while writes go on (a first start under load): one pass over the
//! entities there when it began, ending while a writer keeps inserting; the feed then brings in
//! what was written meanwhile, so the index holds every entity.

use super::{PUT, both, catalog, seed, table};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tessera_catalog::Kind;
use tessera_store::CatalogStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_is_one_pass_while_writes_go_on() {
    for db in both().await {
        let (c, store) = catalog(&db).await;
        seed(&c, "svc").await;
        let (stop, written) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
        let writer = tokio::spawn({
            let (c, stop, written) = (c.clone(), stop.clone(), written.clone());
            async move {
                while !stop.load(Ordering::Relaxed) {
                    let n = written.load(Ordering::Relaxed);
                    let body = table("svc.sample.main", &format!("t{n}"), "h");
                    c.put(Kind::Table, body, "ingestion-bot", PUT).await.unwrap();
                    written.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        while written.load(Ordering::Relaxed) < 50 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // (How much faster one pass is than chasing the writer is measured by bench/index_cost.py;
        // here: it ends, and nothing is lost.)
        let rebuild = tokio::time::timeout(Duration::from_secs(60), c.search_feed().rebuild(&store)).await;
        stop.store(true, Ordering::Relaxed);
        writer.await.unwrap();
        let rebuilt = rebuild.expect("the rebuild ends while writes go on").unwrap();
        assert!(rebuilt >= 50, "at least the tables there when it began: {rebuilt}");
        c.search_feed().catch_up(&store).await.unwrap();
        let (entities, _) = store.catalog_row_counts().await.unwrap();
        let (indexed, _) = c.search_feed().index().stats();
        assert_eq!(indexed as i64, entities, "every entity, those written during the rebuild too");
    }
}

/// A number of the feed that never commits (a rolled-back write's, common on PostgreSQL when a
/// client goes away mid-request) holds the index's saved position for a while, but not what it
/// indexes: a write more than a batch (5,000 entries) past it is found at once.
#[tokio::test]
async fn a_lasting_hole_in_the_feed_does_not_hold_back_later_writes() {
    for db in both().await {
        let (c, store) = catalog(&db).await;
        seed(&c, "svc").await;
        c.search_feed().catch_up(&store).await.unwrap();
        let postgres = store.backend() == tessera_store::Backend::Postgres;
        let skip_a_number = if postgres {
            "BEGIN; SELECT nextval(pg_get_serial_sequence('catalog_changes', 'seq')); ROLLBACK;"
        } else {
            "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'catalog_changes';"
        };
        store.execute_raw(skip_a_number).await.unwrap();
        // 6,000 entries after the hole (of ids no entity has: dropped from the index, harmless).
        let filler = if postgres {
            "INSERT INTO catalog_changes (entity_id, at) SELECT 'gone-' || g, 0 FROM generate_series(1, 6000) g"
        } else {
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 6000) \
             INSERT INTO catalog_changes (entity_id, at) SELECT 'gone-' || n, 0 FROM g"
        };
        store.execute_raw(filler).await.unwrap();
        c.put(Kind::Table, table("svc.sample.main", "late", "h"), "ingestion-bot", PUT).await.unwrap();
        c.search_feed().catch_up(&store).await.unwrap();
        let (entities, _) = store.catalog_row_counts().await.unwrap();
        let (indexed, _) = c.search_feed().index().stats();
        assert_eq!(indexed as i64, entities, "the table written after the hole is indexed ({:?})", store.backend());
    }
}

/// The end of start-up the binary waits for (to stop returning freed memory at once): the
/// follower's first catch-up, which on a first start builds the whole index.
#[tokio::test]
async fn the_first_pass_is_over_once_the_follower_caught_up_once() {
    for db in both().await {
        let (c, store) = catalog(&db).await;
        seed(&c, "svc").await;
        let over = c.search_feed().first_pass_over();
        tokio::pin!(over);
        let early = tokio::time::timeout(Duration::from_millis(200), &mut over).await;
        assert!(early.is_err(), "over before any catch-up");
        let follower = c.clone().follow_search_feed();
        tokio::time::timeout(Duration::from_secs(30), over).await.expect("over once the follower caught up");
        let (entities, _) = store.catalog_row_counts().await.unwrap();
        let (indexed, _) = c.search_feed().index().stats();
        assert_eq!(indexed as i64, entities, "the first pass built the index");
        // A waiter that comes later is not left waiting.
        tokio::time::timeout(Duration::from_secs(1), c.search_feed().first_pass_over())
            .await
            .expect("over for later waiters");
        follower.abort();
    }
}
