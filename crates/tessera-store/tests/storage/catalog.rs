//! Catalog rows on both backends: writes with their history, the optimistic version check, keyset
//! ranges, descendants, hard delete of a subtree, and query plans without table scans.

use super::both;
use tessera_config::DatabaseConfig;
use tessera_store::{CatalogRange, CatalogRow, Store, StoreError};
use tessera_store::{CatalogStore, PipelineStatusStore, VersionStore};

fn row(kind: &str, fqn: &str, hash: &str, version: f64, deleted: bool) -> CatalogRow {
    CatalogRow {
        id: format!("id-{hash}"),
        kind: kind.into(),
        fqn: fqn.into(),
        fqn_hash: hash.into(),
        name: fqn.rsplit('.').next().unwrap().into(),
        body: format!("{{\"fullyQualifiedName\": \"{fqn}\", \"version\": {version}}}"),
        version,
        deleted,
        updated_at: 1,
        updated_by: "ingestion-bot".into(),
        subtype: String::new(),
    }
}

fn range<'a>(kind: &'a str, lower: &'a str, upper: &'a str, deleted: (bool, bool)) -> CatalogRange<'a> {
    CatalogRange { kind, lower, upper, deleted, subtype: "" }
}

async fn store(db: &super::TestDb) -> Store {
    let store = Store::connect(&db.config).await.unwrap();
    store.migrate().await.unwrap();
    store
}

#[tokio::test]
async fn writes_keep_history_and_refuse_stale_versions() {
    for db in both().await {
        let store = store(&db).await;
        let service = row("databaseService", "svc", "aa", 0.1, false);
        store.catalog_insert(&service).await.unwrap();
        let again = store.catalog_insert(&CatalogRow { id: "other".into(), ..service.clone() }).await.unwrap_err();
        assert!(matches!(again, StoreError::Conflict { .. }), "same kind and FQN twice: {again}");
        assert_eq!(store.catalog_by_id("id-aa").await.unwrap().unwrap(), service);
        assert_eq!(store.catalog_by_hash("databaseService", "aa").await.unwrap().unwrap().fqn, "svc");
        assert_eq!(store.catalog_by_hash("database", "aa").await.unwrap(), None, "kinds are apart");

        let v2 = CatalogRow { version: 0.2, body: "{\"v\": 2}".into(), ..service.clone() };
        store.catalog_update(&v2, 0.1).await.unwrap();
        let stale = CatalogRow { version: 0.2, body: "{\"v\": \"late\"}".into(), ..service.clone() };
        let err = store.catalog_update(&stale, 0.1).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
        let v3 = CatalogRow { version: 0.3, body: "{\"v\": 3}".into(), ..service.clone() };
        let err = store.catalog_update(&v3, 0.1).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "moved on meanwhile: {err}");
        assert_eq!(store.catalog_by_id("id-aa").await.unwrap().unwrap().body, "{\"v\": 2}");
        let versions = store.catalog_versions("id-aa").await.unwrap();
        assert_eq!(versions.len(), 2, "the refused writes left no history: {versions:?}");
        assert_eq!(versions[0], "{\"v\": 2}");
        assert_eq!(store.catalog_version("id-aa", 0.1).await.unwrap().unwrap(), service.body);
        assert_eq!(store.catalog_version("id-aa", 0.3).await.unwrap(), None);
    }
}

#[tokio::test]
async fn ranges_page_count_and_find_descendants() {
    for db in both().await {
        let store = store(&db).await;
        store.catalog_insert(&row("databaseService", "s", "10", 0.1, false)).await.unwrap();
        store.catalog_insert(&row("databaseService", "t", "11", 0.1, false)).await.unwrap();
        store.catalog_insert(&row("database", "s.d", "10.20", 0.1, false)).await.unwrap();
        store.catalog_insert(&row("database", "t.d", "11.20", 0.1, false)).await.unwrap();
        for (i, deleted) in [(1, false), (2, true), (3, false), (4, false)] {
            let fqn = format!("s.d.m.t{i}");
            store.catalog_insert(&row("table", &fqn, &format!("10.20.30.4{i}"), 0.1, deleted)).await.unwrap();
        }
        store.catalog_insert(&row("table", "t.d.m.x", "11.20.30.41", 0.1, false)).await.unwrap();

        let under_s = range("table", "10.", "10/", (false, false));
        assert_eq!(store.catalog_count(&under_s).await.unwrap(), 3);
        assert_eq!(store.catalog_count(&range("table", "10.", "10/", (true, true))).await.unwrap(), 1);
        assert_eq!(store.catalog_count(&range("table", "", "~", (false, true))).await.unwrap(), 5);
        let fqns = |rows: Vec<CatalogRow>| rows.into_iter().map(|r| r.fqn).collect::<Vec<_>>();
        assert_eq!(fqns(store.catalog_list(&under_s, 2, false).await.unwrap()), ["s.d.m.t1", "s.d.m.t3"]);
        let next = range("table", "10.20.30.43", "10/", (false, false));
        assert_eq!(fqns(store.catalog_list(&next, 2, false).await.unwrap()), ["s.d.m.t4"]);
        let back = range("table", "10.", "10.20.30.44", (false, false));
        assert_eq!(fqns(store.catalog_list(&back, 1, true).await.unwrap()), ["s.d.m.t3"]);

        let below_s = fqns(store.catalog_descendants("10", "", 100).await.unwrap());
        assert_eq!(below_s, ["s.d", "s.d.m.t1", "s.d.m.t2", "s.d.m.t3", "s.d.m.t4"]);
        let after = fqns(store.catalog_descendants("10", "10.20.30.42", 100).await.unwrap());
        assert_eq!(after, ["s.d.m.t3", "s.d.m.t4"]);

        // Versions of the subtree go with it; the neighbour service is untouched.
        store.catalog_update(&row("table", "s.d.m.t1", "10.20.30.41", 0.2, true), 0.1).await.unwrap();
        assert_eq!(store.catalog_hard_delete("id-10.20", "10.20").await.unwrap(), 5);
        assert_eq!(store.catalog_by_id("id-10.20.30.41").await.unwrap(), None);
        assert!(store.catalog_versions("id-10.20.30.41").await.unwrap().is_empty());
        // The history holds superseded versions only: t1's 0.1 went with it, the survivors have none.
        assert_eq!(store.catalog_row_counts().await.unwrap(), (4, 0), "two services, t.d and t.d.m.x remain");
    }
}

/// Constant cost per entity: every catalog query that touches stored rows is served by an index.
#[tokio::test]
async fn no_catalog_query_scans_a_table() {
    let db = super::sqlite();
    let store = store(&db).await;
    let plans = store.catalog_query_plans().await.unwrap().expect("SQLite explains its plans");
    assert!(plans.len() >= 10);
    for (sql, plan) in plans {
        assert!(plan.contains("USING"), "{sql}\n  has no index in its plan: {plan}");
        for part in plan.split("; ") {
            // A sub-query's rows (a co-routine: the search's bounded window) may be scanned.
            let subquery = part.strip_prefix("SCAN ").is_some_and(|name| plan.contains(&format!("CO-ROUTINE {name}")));
            assert!(!part.starts_with("SCAN ") || part.contains("USING") || subquery, "{sql}\n  scans: {plan}");
        }
    }
}

/// Lists filter on a subtype (an ingestion pipeline's pipelineType) inside their range, and an
/// update may change it.
#[tokio::test]
async fn subtypes_filter_lists_and_counts() {
    for db in both().await {
        let store = store(&db).await;
        let typed = |fqn: &str, hash: &str, subtype: &str| CatalogRow {
            subtype: subtype.into(),
            ..row("ingestionPipeline", fqn, hash, 0.1, false)
        };
        store.catalog_insert(&typed("s.m", "10.01", "metadata")).await.unwrap();
        store.catalog_insert(&typed("s.u", "10.02", "usage")).await.unwrap();
        store.catalog_insert(&typed("t.m", "11.01", "metadata")).await.unwrap();
        let of = |lower: &'static str, upper: &'static str, subtype: &'static str| CatalogRange {
            subtype,
            ..range("ingestionPipeline", lower, upper, (false, false))
        };
        assert_eq!(store.catalog_count(&of("", "~", "metadata")).await.unwrap(), 2);
        assert_eq!(store.catalog_count(&of("10.", "10/", "metadata")).await.unwrap(), 1);
        assert_eq!(store.catalog_count(&of("", "~", "")).await.unwrap(), 3);
        let listed = store.catalog_list(&of("", "~", "usage"), 10, false).await.unwrap();
        assert_eq!(listed.iter().map(|r| r.fqn.as_str()).collect::<Vec<_>>(), ["s.u"]);
        let retyped = CatalogRow { version: 0.2, ..typed("s.u", "10.02", "lineage") };
        store.catalog_update(&retyped, 0.1).await.unwrap();
        assert_eq!(store.catalog_count(&of("", "~", "usage")).await.unwrap(), 0);
        assert_eq!(store.catalog_by_id("id-10.02").await.unwrap().unwrap().subtype, "lineage");
    }
}

/// Run statuses: created then replaced by runId, the latest by timestamp, time ranges newest
/// first, and gone with their pipeline's row (hard delete), whichever ancestor is deleted.
#[tokio::test]
async fn pipeline_statuses_by_run_and_time_go_with_their_pipeline() {
    for db in both().await {
        let store = store(&db).await;
        store.catalog_insert(&row("databaseService", "s", "10", 0.1, false)).await.unwrap();
        store.catalog_insert(&row("ingestionPipeline", "s.p", "10.01", 0.1, false)).await.unwrap();
        store.catalog_insert(&row("ingestionPipeline", "s.q", "10.02", 0.1, false)).await.unwrap();
        let (p, q) = ("id-10.01", "id-10.02");
        assert_eq!(store.pipeline_status(p, "r1").await.unwrap(), None);
        assert_eq!(store.pipeline_status_latest(p).await.unwrap(), None);
        assert!(store.pipeline_status_put(p, "r1", 100, "{\"s\": \"running\"}").await.unwrap(), "new run");
        assert!(!store.pipeline_status_put(p, "r1", 150, "{\"s\": \"success\"}").await.unwrap(), "replaced");
        assert_eq!(store.pipeline_status(p, "r1").await.unwrap().as_deref(), Some("{\"s\": \"success\"}"));
        store.pipeline_status_put(p, "r2", 300, "r2").await.unwrap();
        store.pipeline_status_put(p, "r3", 200, "r3").await.unwrap();
        store.pipeline_status_put(q, "r1", 999, "q1").await.unwrap();
        assert_eq!(store.pipeline_status(q, "r1").await.unwrap().as_deref(), Some("q1"), "runs are per pipeline");
        assert_eq!(store.pipeline_status_latest(p).await.unwrap().as_deref(), Some("r2"));
        assert_eq!(store.pipeline_statuses(p, 150, 300, 100).await.unwrap(), ["r2", "r3", "{\"s\": \"success\"}"]);
        assert_eq!(store.pipeline_statuses(p, 151, 299, 100).await.unwrap(), ["r3"]);
        assert_eq!(store.pipeline_statuses(p, 0, 1000, 1).await.unwrap(), ["r2"]);
        assert!(store.pipeline_statuses(p, 301, 1000, 100).await.unwrap().is_empty());

        // Hard-deleting the pipeline takes its runs, and nothing under its key: a database may
        // share it (pipeline s.p, database s.p); the service's recursive hard delete takes the rest.
        let database = CatalogRow { id: "db-s.p".into(), ..row("database", "s.p", "10.01", 0.1, false) };
        store.catalog_insert(&database).await.unwrap();
        store.catalog_insert(&row("databaseSchema", "s.p.m", "10.01.01", 0.1, false)).await.unwrap();
        assert_eq!(store.catalog_hard_delete_one(p).await.unwrap(), 1);
        assert_eq!(store.pipeline_status(p, "r2").await.unwrap(), None);
        assert!(store.catalog_by_id("id-10.01.01").await.unwrap().is_some(), "the schema under the same key stays");
        assert!(store.catalog_versions(p).await.unwrap().is_empty());
        assert_eq!(store.pipeline_status(q, "r1").await.unwrap().as_deref(), Some("q1"));
        store.catalog_hard_delete("id-10", "10").await.unwrap();
        assert_eq!(store.pipeline_status_latest(q).await.unwrap(), None);
        let err = store.pipeline_status_put("no-such-pipeline", "r", 1, "{}").await.unwrap_err();
        assert!(!err.to_string().is_empty(), "a run needs its pipeline's row");
    }
}

/// SQLite commits concurrent writes together (group commit): every write still gets its own
/// answer, a failing write fails alone, and nothing is lost or doubled.
#[tokio::test]
async fn concurrent_writes_commit_together_and_fail_alone() {
    for db in both().await {
        let store = store(&db).await;
        // SQLite's write lock held by another connection while the writes queue up: they are
        // all waiting when it is released, whatever the machine's load (without it, a slow
        // machine could commit each write before the next one arrived).
        let blocker = match &db.config {
            DatabaseConfig::Sqlite { path } => {
                use sqlx::ConnectOptions;
                let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(path).connect().await.unwrap();
                sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await.unwrap();
                Some(conn)
            }
            DatabaseConfig::Postgres(_) => None,
        };
        let mut writes = tokio::task::JoinSet::new();
        for i in 0..60 {
            let writer = store.clone();
            writes.spawn(async move {
                (i, writer.catalog_insert(&row("table", &format!("t{i}"), &format!("{i:02}"), 0.1, false)).await)
            });
            // Ten writers race for one FQN: exactly one of them wins.
            let racer = store.clone();
            writes.spawn(async move {
                let same = CatalogRow { id: format!("dup-{i}"), ..row("table", "dup", "99", 0.1, false) };
                (1000 + i, if i < 10 { racer.catalog_insert(&same).await } else { Ok(()) })
            });
        }
        if let Some(mut conn) = blocker {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await; // every write queues
            sqlx::query("COMMIT").execute(&mut conn).await.unwrap();
        }
        let (mut stored, mut conflicts) = (0, 0);
        while let Some(joined) = writes.join_next().await {
            let (i, result) = joined.unwrap();
            match result {
                Ok(()) if i < 1010 => stored += 1,
                Ok(()) => {}
                Err(StoreError::Conflict { .. }) if (1000..1010).contains(&i) => conflicts += 1,
                Err(e) => panic!("write {i} failed: {e}"),
            }
        }
        assert_eq!((stored, conflicts), (61, 9), "60 tables and one of the ten racers stored");
        assert_eq!(store.catalog_row_counts().await.unwrap(), (61, 0));
        let all = range("table", "", "~", (false, true));
        assert_eq!(store.catalog_count(&all).await.unwrap(), 61);
        if let Some((commits, writes)) = store.group_commit_stats() {
            assert_eq!(writes, 61, "every stored write was committed once");
            assert!(commits < writes, "writes queued together were committed together: {commits} commits");
        }
    }
}
