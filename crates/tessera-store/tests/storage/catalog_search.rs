//! Name search on both backends: prefixes of the name or of a word in it, any case, Unicode,
//! deleted rows by `deleted`, paging, several kinds, hard delete, the migration's backfill, and
//! (SQLite) query plans that use the name index.

use super::both;
use tessera_store::{CatalogNameStore, CatalogStore};
use tessera_store::{CatalogRow, NameSearch, Store, name_key};

fn row(kind: &str, id: &str, name: &str, hash: &str) -> CatalogRow {
    CatalogRow {
        id: id.into(),
        kind: kind.into(),
        fqn: format!("svc.db.main.{name}"),
        fqn_hash: hash.into(),
        name: name.into(),
        body: "{}".into(),
        version: 0.1,
        deleted: false,
        updated_at: 1,
        updated_by: "ingestion-bot".into(),
        subtype: String::new(),
    }
}

async fn store(db: &super::TestDb) -> Store {
    let store = Store::connect(&db.config).await.unwrap();
    store.migrate().await.unwrap();
    store
}

const TABLES: &[&str] = &["table"];

/// The names found (in answer order) and the total.
async fn find(
    store: &Store,
    kinds: &[&str],
    text: &str,
    deleted: (bool, bool),
    from: i64,
    size: i64,
) -> (Vec<String>, i64) {
    let prefix = name_key(text);
    let hits = store.catalog_search_names(&NameSearch { kinds, prefix: &prefix, deleted, from, size }).await.unwrap();
    assert!(hits.exact);
    (hits.rows.into_iter().map(|r| r.name).collect(), hits.total)
}

async fn seed(store: &Store) {
    for (i, name) in ["Customers", "customer_orders", "OrderItems", "Ünïcödé Tàble", "my.table/ü"].iter().enumerate()
    {
        store.catalog_insert(&row("table", &format!("t{i}"), name, &format!("a{i}"))).await.unwrap();
    }
    store.catalog_insert(&row("database", "d0", "customers_db", "b0")).await.unwrap();
}

#[tokio::test]
async fn names_are_found_by_name_or_word_prefix_in_any_case() {
    for db in both().await {
        let store = store(&db).await;
        seed(&store).await;
        let no_deleted = (false, false);
        let backend = store.backend();
        assert_eq!(
            find(&store, TABLES, "cust", no_deleted, 0, 10).await,
            (names(&["customer_orders", "Customers"]), 2),
            "{backend:?}"
        );
        // A whole-name match comes before a match on a later word.
        assert_eq!(
            find(&store, TABLES, "ORDER", no_deleted, 0, 10).await,
            (names(&["OrderItems", "customer_orders"]), 2)
        );
        assert_eq!(find(&store, TABLES, "items", no_deleted, 0, 10).await.0, names(&["OrderItems"]), "camelCase word");
        assert_eq!(find(&store, TABLES, "ÜNÏ", no_deleted, 0, 10).await.0, names(&["Ünïcödé Tàble"]));
        assert_eq!(find(&store, TABLES, "tàb", no_deleted, 0, 10).await.0, names(&["Ünïcödé Tàble"]));
        assert_eq!(find(&store, TABLES, "my.table/", no_deleted, 0, 10).await.0, names(&["my.table/ü"]));
        assert_eq!(find(&store, TABLES, "xyz", no_deleted, 0, 10).await, (vec![], 0));
        assert_eq!(find(&store, TABLES, "", no_deleted, 0, 10).await.1, 5, "the empty prefix matches every table once");
        // Several kinds at once; one kind only sees its own.
        assert_eq!(
            find(&store, &["table", "database"], "customers", no_deleted, 0, 10).await.0,
            names(&["Customers", "customers_db"])
        );
        assert_eq!(find(&store, &["database"], "cust", no_deleted, 0, 10).await.0, names(&["customers_db"]));
        // Pages: from/size over the same order; size 0 counts only.
        assert_eq!(find(&store, TABLES, "cust", no_deleted, 1, 1).await, (names(&["Customers"]), 2));
        assert_eq!(find(&store, TABLES, "cust", no_deleted, 0, 0).await, (vec![], 2));
        assert_eq!(find(&store, TABLES, "cust", no_deleted, 5, 10).await, (vec![], 2));

        // Soft delete hides a table from the default search.
        let customers = store.catalog_by_id("t0").await.unwrap().unwrap();
        store.catalog_update(&CatalogRow { deleted: true, version: 0.2, ..customers }, 0.1).await.unwrap();
        assert_eq!(find(&store, TABLES, "cust", no_deleted, 0, 10).await.0, names(&["customer_orders"]));
        assert_eq!(find(&store, TABLES, "cust", (true, true), 0, 10).await.0, names(&["Customers"]));
        assert_eq!(find(&store, TABLES, "cust", (false, true), 0, 10).await.1, 2);

        // Hard delete takes the keys with it.
        store.catalog_hard_delete("t1", "a1").await.unwrap();
        assert_eq!(find(&store, TABLES, "orders", no_deleted, 0, 10).await, (vec![], 0));
        assert_eq!(find(&store, TABLES, "cust", (false, true), 0, 10).await.1, 1);
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Rows stored before migration 0006 get their keys when the store migrates (once).
#[tokio::test]
async fn the_migration_backfills_names_of_existing_rows() {
    for db in both().await {
        let store = store(&db).await;
        seed(&store).await;
        store
            .execute_raw("DELETE FROM catalog_names; INSERT INTO tessera_settings (key, value) VALUES ('catalog_names_backfill', 'pending')")
            .await
            .unwrap();
        assert_eq!(find(&store, TABLES, "cust", (false, false), 0, 10).await.1, 0);
        store.migrate().await.unwrap();
        assert_eq!(find(&store, TABLES, "cust", (false, false), 0, 10).await.1, 2, "{:?}", store.backend());
        assert_eq!(find(&store, TABLES, "items", (false, false), 0, 10).await.1, 1, "word keys too");
        assert_eq!(store.setting("catalog_names_backfill").await.unwrap(), None, "done once");
    }
}

/// The search reads the name index, never a whole table (SQLite's plan).
#[tokio::test]
async fn searches_use_the_name_index() {
    let db = super::sqlite();
    let store = store(&db).await;
    let plans = store.catalog_query_plans().await.unwrap().unwrap();
    let searches: Vec<_> = plans.iter().filter(|(sql, _)| sql.contains("catalog_names n")).collect();
    assert_eq!(searches.len(), 4, "hits and counts, for one kind and for several");
    for (sql, plan) in searches {
        assert!(
            plan.contains("SEARCH n USING COVERING INDEX")
                || plan.contains("SEARCH n USING PRIMARY KEY")
                || plan.contains("SEARCH n USING INDEX"),
            "{sql}\n  does not search the name index: {plan}"
        );
        assert!(plan.contains("SEARCH e USING INDEX sqlite_autoindex_catalog_entities_1 (id=?)"), "{sql}\n  {plan}");
        assert!(!plan.contains("SCAN n") && !plan.contains("SCAN e"), "{sql}\n  scans: {plan}");
    }
}
