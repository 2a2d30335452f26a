//! The catalog over a real store, SQLite and PostgreSQL (`TESSERA_TEST_POSTGRES_URL`, which
//! `scripts/test.sh` sets): the ingestion client's create-or-update cycle, versions, paging,
//! FQN-prefix filters, deletes and restore; ingestion pipelines and their run statuses
//! (`catalog/pipelines.rs`); the search index's rebuild under writes (`catalog/search_feed.rs`).

use serde_json::{Value, json};
use std::collections::BTreeMap;
use tessera_catalog::{Catalog, CatalogError, Include, Kind, ListQuery, Outcome, Write};
use tessera_store::CatalogStore;

const PUT: Write<'static> = Write::CreateOrUpdate(&tessera_catalog::AnyEdit);
use tessera_config::{DatabaseConfig, Sources, load};
use tessera_store::Store;

#[path = "catalog/pipelines.rs"]
mod pipelines;
#[path = "catalog/search_feed.rs"]
mod search_feed;

struct Db {
    config: DatabaseConfig,
    _dir: Option<tempfile::TempDir>,
}

fn database_config(url: &str) -> DatabaseConfig {
    let vars = BTreeMap::from([("DATABASE_URL".to_string(), url.to_string())]);
    load(&Sources::from_vars(vars)).config.expect("valid DATABASE_URL").database
}

/// SQLite always; PostgreSQL when the test command provides one (required when it says so).
async fn both() -> Vec<Db> {
    let dir = tempfile::tempdir().unwrap();
    let mut dbs = vec![Db { config: DatabaseConfig::Sqlite { path: dir.path().join("t.db") }, _dir: Some(dir) }];
    if let Some(url) = tessera_store::testing::fresh_postgres_database("c").await {
        dbs.push(Db { config: database_config(&url), _dir: None });
    }
    dbs
}

async fn catalog(db: &Db) -> (Catalog, Store) {
    let store = Store::connect(&db.config).await.unwrap();
    store.migrate().await.unwrap();
    (Catalog::with_clock(store.clone(), || 1_700_000_000_000), store)
}

async fn seed(c: &Catalog, service: &str) {
    let bot = "ingestion-bot";
    c.put(Kind::DatabaseService, json!({"name": service, "serviceType": "SQLite"}), bot, PUT).await.unwrap();
    c.put(Kind::Database, json!({"name": "sample", "service": service, "sourceHash": "d1"}), bot, PUT).await.unwrap();
    let db = format!("{}.sample", tessera_catalog::fqn::quote_name(service).unwrap());
    c.put(Kind::DatabaseSchema, json!({"name": "main", "database": db, "sourceHash": "s1"}), bot, PUT).await.unwrap();
}

fn table(schema: &str, name: &str, hash: &str) -> Value {
    json!({"name": name, "tableType": "Regular", "databaseSchema": schema, "sourceHash": hash,
        "columns": [{"name": "id", "dataType": "INT", "constraint": "PRIMARY_KEY"}]})
}

#[tokio::test]
async fn the_ingestion_cycle_versions_and_source_hash() {
    for db in both().await {
        let (c, store) = catalog(&db).await;
        seed(&c, "local_sqlite").await;
        let (t, outcome) = c
            .put(Kind::Table, table("local_sqlite.sample.main", "customers", "h1"), "ingestion-bot", PUT)
            .await
            .unwrap();
        assert_eq!((outcome, t.version(), t.fqn()), (Outcome::Created, 0.1, "local_sqlite.sample.main.customers"));
        assert_eq!(t.doc["service"]["name"], "local_sqlite");
        assert_eq!(t.doc["database"]["fullyQualifiedName"], "local_sqlite.sample");
        assert_eq!(t.doc["databaseSchema"]["type"], "databaseSchema");
        assert_eq!(t.doc["serviceType"], "SQLite");
        // Time-ordered ids (UUID version 7): new rows land at the end of the id index.
        let id = uuid::Uuid::parse_str(t.id()).unwrap();
        assert_eq!(id.get_version_num(), 7, "{id}");
        let rows = store.catalog_row_counts().await.unwrap();

        // The re-run: same sourceHash, even with other content, writes nothing.
        let mut same = table("local_sqlite.sample.main", "customers", "h1");
        same["description"] = json!("ignored");
        let (again, outcome) = c.put(Kind::Table, same, "ingestion-bot", PUT).await.unwrap();
        assert_eq!((outcome, again.version()), (Outcome::Unchanged, 0.1));
        assert_eq!(store.catalog_row_counts().await.unwrap(), rows, "no write at all");

        // A changed source: a new version describing the change.
        let mut changed = table("local_sqlite.sample.main", "customers", "h2");
        changed["columns"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "phone", "dataType": "VARCHAR", "dataLength": 20}));
        let (v2, outcome) = c.put(Kind::Table, changed.clone(), "ingestion-bot", PUT).await.unwrap();
        assert_eq!((outcome, v2.version(), v2.id()), (Outcome::Updated, 0.2, t.id()));
        let change = &v2.doc["changeDescription"];
        assert_eq!(change["previousVersion"], 0.1);
        assert_eq!(change["fieldsAdded"][0]["name"], "columns");
        assert_eq!(change["fieldsUpdated"][0], json!({"name": "sourceHash", "oldValue": "h1", "newValue": "h2"}));
        assert_eq!(v2.doc["columns"][1]["fullyQualifiedName"], "local_sqlite.sample.main.customers.phone");
        // Same content without a hash: nothing changed, no version.
        changed.as_object_mut().unwrap().remove("sourceHash");
        assert_eq!(c.put(Kind::Table, changed, "admin", PUT).await.unwrap().1, Outcome::Unchanged);

        let versions = c.versions(Kind::Table, t.id()).await.unwrap();
        assert_eq!(versions.iter().map(|v| v.version()).collect::<Vec<_>>(), [0.2, 0.1]);
        assert_eq!(c.version(Kind::Table, t.id(), "0.1").await.unwrap().source_hash(), Some("h1"));
        assert!(matches!(c.version(Kind::Table, t.id(), "0.9").await, Err(CatalogError::NotFound { .. })));
        assert!(matches!(c.version(Kind::Table, t.id(), "x").await, Err(CatalogError::Invalid(_))));

        let by_name = c.by_name(Kind::Table, "local_sqlite.sample.main.customers", Include::NonDeleted).await.unwrap();
        assert_eq!(by_name.id(), t.id());
        assert!(matches!(
            c.put(Kind::Table, table("local_sqlite.sample.main", "customers", "h3"), "x", Write::CreateOnly).await,
            Err(CatalogError::Exists)
        ));
        // A caller who may create but not edit: a change is refused, nothing is written.
        struct NoEdit;
        impl tessera_catalog::EditGate for NoEdit {
            fn allow(&self, _: &tessera_catalog::Edit) -> Result<(), String> {
                Err("may not edit".into())
            }
        }
        let no_edit = Write::CreateOrUpdate(&NoEdit);
        let err =
            c.put(Kind::Table, table("local_sqlite.sample.main", "customers", "h9"), "x", no_edit).await.unwrap_err();
        assert!(matches!(err, CatalogError::Forbidden(ref m) if m == "may not edit"), "{err}");
        // Authorized before compared: repeating what is stored gets the same refusal, so the
        // answer tells nothing about the stored values (a service's password, say).
        let stored = c.by_name(Kind::Table, "local_sqlite.sample.main.customers", Include::All).await.unwrap();
        let same_hash = table("local_sqlite.sample.main", "customers", stored.source_hash().unwrap());
        let err = c.put(Kind::Table, same_hash, "x", no_edit).await.unwrap_err();
        assert!(matches!(err, CatalogError::Forbidden(ref m) if m == "may not edit"), "{err}");
        let (fresh, outcome) =
            c.put(Kind::Table, table("local_sqlite.sample.main", "fresh", "f"), "x", no_edit).await.unwrap();
        assert_eq!((outcome, fresh.version()), (Outcome::Created, 0.1));
        let missing = c.put(Kind::Table, table("local_sqlite.sample.nope", "t", "h"), "x", PUT).await.unwrap_err();
        assert_eq!(missing.to_string(), "databaseSchema instance for local_sqlite.sample.nope not found");
    }
}

#[tokio::test]
async fn odd_names_round_trip_by_fqn() {
    for db in both().await {
        let (c, _) = catalog(&db).await;
        seed(&c, "edge.svc").await;
        let schema = "\"edge.svc\".sample.main";
        let (t, _) = c.put(Kind::Table, table(schema, "my.table ü \u{1F600}", "h"), "bot", PUT).await.unwrap();
        assert_eq!(t.fqn(), "\"edge.svc\".sample.main.\"my.table ü \u{1F600}\"");
        assert_eq!(t.doc["columns"][0]["fullyQualifiedName"], "\"edge.svc\".sample.main.\"my.table ü \u{1F600}\".id");
        assert_eq!(c.by_name(Kind::Table, t.fqn(), Include::NonDeleted).await.unwrap().id(), t.id());
        let page = c
            .list(
                Kind::Table,
                &ListQuery { limit: 10, filters: vec![("service".into(), "edge.svc".into())], ..Default::default() },
            )
            .await
            .unwrap();
        assert_eq!(page.total, 1, "service= takes the service's name, dots and all");
    }
}

#[tokio::test]
async fn lists_page_both_ways_and_filter_by_fqn_prefix() {
    for db in both().await {
        let (c, _) = catalog(&db).await;
        seed(&c, "a").await;
        seed(&c, "b").await;
        c.put(Kind::DatabaseSchema, json!({"name": "other", "database": "a.sample"}), "bot", PUT).await.unwrap();
        for i in 0..7 {
            c.put(Kind::Table, table("a.sample.main", &format!("t{i}"), "h"), "bot", PUT).await.unwrap();
        }
        c.put(Kind::Table, table("a.sample.other", "elsewhere", "h"), "bot", PUT).await.unwrap();
        c.put(Kind::Table, table("b.sample.main", "t0", "h"), "bot", PUT).await.unwrap();

        // The client lists a schema's tables with database=<schema FQN>.
        let query = |filters: Vec<(&str, &str)>, limit| ListQuery {
            limit,
            filters: filters.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        };
        let page = c.list(Kind::Table, &query(vec![("database", "a.sample.main")], 3)).await.unwrap();
        assert_eq!((page.total, page.items.len(), page.before.is_none()), (7, 3, true));
        let mut seen: Vec<String> = page.items.iter().map(|e| e.fqn().to_string()).collect();
        let mut after = page.after.clone();
        let mut pages = vec![page];
        while let Some(cursor) = after {
            let next = c
                .list(Kind::Table, &ListQuery { after: Some(cursor), ..query(vec![("database", "a.sample.main")], 3) })
                .await
                .unwrap();
            assert!(next.before.is_some());
            seen.extend(next.items.iter().map(|e| e.fqn().to_string()));
            after = next.after.clone();
            pages.push(next);
        }
        assert_eq!(seen.len(), 7);
        assert!(seen.iter().all(|f| f.starts_with("a.sample.main.")), "{seen:?}");
        // Back from the last page gives the page before it.
        let last = pages.last().unwrap();
        let back = c
            .list(
                Kind::Table,
                &ListQuery { before: last.before.clone(), ..query(vec![("database", "a.sample.main")], 3) },
            )
            .await
            .unwrap();
        assert_eq!(
            back.items.iter().map(|e| e.id()).collect::<Vec<_>>(),
            pages[pages.len() - 2].items.iter().map(|e| e.id()).collect::<Vec<_>>()
        );

        assert_eq!(c.list(Kind::Table, &query(vec![("service", "a")], 100)).await.unwrap().total, 8);
        assert_eq!(c.list(Kind::Table, &query(vec![("databaseSchema", "b.sample.main")], 100)).await.unwrap().total, 1);
        assert_eq!(
            c.list(Kind::Table, &query(vec![("service", "b"), ("database", "a.sample")], 100)).await.unwrap().total,
            0
        );
        assert_eq!(c.list(Kind::Table, &query(vec![], 0)).await.unwrap().total, 9);
        let bad =
            c.list(Kind::Table, &ListQuery { after: Some("'; drop".into()), ..query(vec![], 5) }).await.unwrap_err();
        assert!(bad.to_string().contains("not a cursor"), "{bad}");
        assert!(
            c.list(Kind::Table, &query(vec![("database", "a.\"b")], 5))
                .await
                .unwrap_err()
                .to_string()
                .contains("quote parts")
        );
    }
}

#[tokio::test]
async fn deletes_soft_recursive_hard_and_restore() {
    for db in both().await {
        let (c, store) = catalog(&db).await;
        seed(&c, "svc").await;
        let (t, _) = c.put(Kind::Table, table("svc.sample.main", "orders", "h"), "bot", PUT).await.unwrap();
        let schema = c.by_name(Kind::DatabaseSchema, "svc.sample.main", Include::NonDeleted).await.unwrap();
        let err = c.delete(Kind::DatabaseSchema, schema.id(), false, false, "bot").await.unwrap_err();
        assert!(err.to_string().contains("is not empty") && err.to_string().contains("recursive=true"), "{err}");

        let gone = c.delete(Kind::Table, t.id(), false, false, "bot").await.unwrap();
        assert_eq!((gone.deleted(), gone.version()), (true, 0.2));
        assert!(matches!(
            c.by_name(Kind::Table, t.fqn(), Include::NonDeleted).await,
            Err(CatalogError::NotFound { .. })
        ));
        assert!(c.by_name(Kind::Table, t.fqn(), Include::Deleted).await.unwrap().deleted());
        let lists = |include| ListQuery { limit: 10, include, ..Default::default() };
        assert_eq!(c.list(Kind::Table, &lists(Include::NonDeleted)).await.unwrap().total, 0);
        assert_eq!(c.list(Kind::Table, &lists(Include::Deleted)).await.unwrap().total, 1);
        assert_eq!(c.list(Kind::Table, &lists(Include::All)).await.unwrap().total, 1);

        // A PUT of a soft-deleted entity brings it back as a new version.
        let (back, outcome) = c.put(Kind::Table, table("svc.sample.main", "orders", "h"), "bot", PUT).await.unwrap();
        assert_eq!((outcome, back.deleted(), back.version()), (Outcome::Updated, false, 0.3));

        // Recursive soft delete of the service reaches every descendant; restore brings them back.
        let service = c.by_name(Kind::DatabaseService, "svc", Include::NonDeleted).await.unwrap();
        c.delete(Kind::DatabaseService, service.id(), false, true, "admin").await.unwrap();
        assert!(c.by_id(Kind::Table, t.id(), Include::All).await.unwrap().deleted());
        // A soft-deleted parent takes no new children.
        let err = c.put(Kind::Table, table("svc.sample.main", "late", "h"), "bot", PUT).await.unwrap_err();
        assert_eq!(err.to_string(), "databaseSchema instance for svc.sample.main not found");
        assert!(c.by_name(Kind::Database, "svc.sample", Include::All).await.unwrap().deleted());
        let restored = c.restore(Kind::DatabaseService, service.id(), "admin").await.unwrap();
        assert!(!restored.deleted());
        assert!(!c.by_id(Kind::Table, t.id(), Include::NonDeleted).await.unwrap().deleted());

        // Hard and recursive: nothing of the subtree is left, history included.
        c.delete(Kind::DatabaseService, service.id(), true, true, "admin").await.unwrap();
        assert_eq!(store.catalog_row_counts().await.unwrap(), (0, 0));
        assert!(matches!(
            c.by_id(Kind::DatabaseService, service.id(), Include::All).await,
            Err(CatalogError::NotFound { .. })
        ));
    }
}

#[tokio::test]
async fn concurrent_first_writes_of_one_fqn_make_one_entity() {
    for db in both().await {
        let (c, _) = catalog(&db).await;
        seed(&c, "svc").await;
        let writes = (0..8).map(|i| {
            let c = c.clone();
            tokio::spawn(async move {
                c.put(Kind::Table, table("svc.sample.main", "t", &format!("h{i}")), "bot", PUT).await
            })
        });
        let mut ids = std::collections::BTreeSet::new();
        for write in writes {
            ids.insert(write.await.unwrap().unwrap().0.id().to_string());
        }
        assert_eq!(ids.len(), 1, "{ids:?}");
        let versions = c.versions(Kind::Table, ids.first().unwrap()).await.unwrap();
        assert!(!versions.is_empty() && versions.len() <= 8);
    }
}

#[tokio::test]
async fn json_patch_goes_through_the_put_checks_and_versions() {
    const BASE: &str = "http://localhost:8585";
    for db in both().await {
        let (c, store) = catalog(&db).await;
        seed(&c, "svc").await;
        let schema = "svc.sample.main";
        let (customers, _) = c.put(Kind::Table, table(schema, "customers", "c1"), "bot", PUT).await.unwrap();
        let mut orders = table(schema, "orders", "o1");
        orders["columns"].as_array_mut().unwrap().push(json!({"name": "customer_id", "dataType": "INT"}));
        orders["tableConstraints"] = json!([]);
        let (orders, _) = c.put(Kind::Table, orders, "bot", PUT).await.unwrap();
        let patch = |kind, id: &str, body: Value| {
            let c = c.clone();
            let id = id.to_string();
            async move { c.patch(kind, &id, body, "ingestion-bot", BASE, &tessera_catalog::AnyEdit).await }
        };

        // The client's changed-source patch: a column added, the new sourceHash.
        let (v2, outcome) = patch(
            Kind::Table,
            customers.id(),
            json!([
            {"op": "add", "path": "/columns/1", "value": {"name": "phone", "dataType": "VARCHAR", "dataLength": 20,
                "dataTypeDisplay": "VARCHAR(20)", "constraint": "NULL", "fullyQualifiedName": "wrong.fqn"}},
            {"op": "replace", "path": "/sourceHash", "value": "c2"}]),
        )
        .await
        .unwrap();
        assert_eq!((outcome, v2.version(), v2.source_hash()), (Outcome::Updated, 0.2, Some("c2")));
        assert_eq!(v2.doc["columns"][1]["fullyQualifiedName"], "svc.sample.main.customers.phone", "FQNs recomputed");
        assert_eq!(v2.doc["columns"][1]["tags"], json!([]));
        let change = &v2.doc["changeDescription"];
        assert_eq!(change["previousVersion"], 0.1);
        assert_eq!(change["fieldsAdded"][0]["name"], "columns");
        assert_eq!(change["fieldsUpdated"][0], json!({"name": "sourceHash", "oldValue": "c1", "newValue": "c2"}));
        assert_eq!(v2.doc["updatedBy"], "ingestion-bot");
        // Read-your-writes, and the history has both versions.
        let read = c.by_name(Kind::Table, customers.fqn(), Include::NonDeleted).await.unwrap();
        assert_eq!((read.version(), read.doc["columns"].as_array().unwrap().len()), (0.2, 2));
        assert_eq!(c.versions(Kind::Table, customers.id()).await.unwrap().len(), 2);

        // The forward foreign key and `tags: []` on a column that has them already.
        let fk = json!({"constraintType": "FOREIGN_KEY", "columns": ["customer_id"],
            "referredColumns": ["svc.sample.main.customers.id"], "relationshipType": "MANY_TO_ONE"});
        let (o2, outcome) = patch(
            Kind::Table,
            orders.id(),
            json!([
            {"op": "add", "path": "/tableConstraints/0", "value": fk},
            {"op": "add", "path": "/columns/1/tags", "value": []}]),
        )
        .await
        .unwrap();
        assert_eq!((outcome, o2.version()), (Outcome::Updated, 0.2));
        assert_eq!(o2.doc["tableConstraints"][0]["referredColumns"][0], "svc.sample.main.customers.id");
        assert_eq!(o2.doc["changeDescription"]["fieldsUpdated"][0]["name"], "tableConstraints");

        // Nothing changed: the entity as it is, no version, nothing written.
        let rows = store.catalog_row_counts().await.unwrap();
        let (same, outcome) =
            patch(Kind::Table, orders.id(), json!([{"op": "add", "path": "/columns/0/tags", "value": []}]))
                .await
                .unwrap();
        assert_eq!((outcome, same.version()), (Outcome::Unchanged, 0.2));
        let (same, outcome) = patch(Kind::Table, orders.id(), json!([])).await.unwrap();
        assert_eq!((outcome, same.version()), (Outcome::Unchanged, 0.2));
        assert_eq!(store.catalog_row_counts().await.unwrap(), rows);

        // remove takes a field away (a PUT would keep it); test guards a write.
        let database = c.by_name(Kind::Database, "svc.sample", Include::All).await.unwrap();
        let (d, _) =
            patch(Kind::Database, database.id(), json!([{"op": "add", "path": "/description", "value": "Sample"}]))
                .await
                .unwrap();
        assert_eq!((d.version(), d.doc["description"].as_str()), (0.2, Some("Sample")));
        let (d, _) = patch(
            Kind::Database,
            d.id(),
            json!([{"op": "test", "path": "/version", "value": 0.2},
            {"op": "remove", "path": "/description"}, {"op": "remove", "path": "/sourceHash"}]),
        )
        .await
        .unwrap();
        assert_eq!((d.version(), d.doc.get("description"), d.source_hash()), (0.3, None, None));
        assert_eq!(d.doc["changeDescription"]["fieldsDeleted"].as_array().unwrap().len(), 2);
        let service = c.by_name(Kind::DatabaseService, "svc", Include::All).await.unwrap();
        let (s2, _) = patch(
            Kind::DatabaseService,
            service.id(),
            json!([{"op": "add", "path": "/displayName", "value": "The service"}]),
        )
        .await
        .unwrap();
        assert_eq!((s2.version(), s2.doc["serviceType"].as_str()), (0.2, Some("SQLite")));

        // Bad patches: 400 naming what to change, nothing written.
        let rows = store.catalog_row_counts().await.unwrap();
        let refused = |kind, id: String, body: Value, text: &'static str| async move {
            let err = patch(kind, &id, body.clone()).await.unwrap_err();
            assert!(matches!(err, CatalogError::Invalid(_)), "{body}: {err}");
            assert!(err.to_string().contains(text), "{body}: {err:?} lacks {text:?}");
        };
        let t = orders.id().to_string();
        for (field, value) in [
            ("id", json!("00000000-0000-0000-0000-000000000000")),
            ("name", json!("other")),
            ("fullyQualifiedName", json!("a.b.c.d")),
            ("version", json!(9.9)),
            ("updatedAt", json!(1)),
            ("href", json!("http://elsewhere")),
            ("deleted", json!(true)),
            ("serviceType", json!("Mysql")),
        ] {
            let body = json!([{"op": "replace", "path": format!("/{field}"), "value": value}]);
            refused(Kind::Table, t.clone(), body, "cannot be changed by PATCH").await;
        }
        refused(
            Kind::Table,
            t.clone(),
            json!([{"op": "replace", "path": "/databaseSchema/name", "value": "x"}]),
            "databaseSchema cannot be changed by PATCH",
        )
        .await;
        refused(
            Kind::Table,
            t.clone(),
            json!([{"op": "add", "path": "/columns/0/dataType", "value": "SOFA"}]),
            "The patched table is not valid: columns[0]: dataType \"SOFA\" is not one of",
        )
        .await;
        refused(
            Kind::Table,
            t.clone(),
            json!([{"op": "add", "path": "/columns/-", "value": {"name": "id", "dataType": "INT"}}]),
            "appears twice",
        )
        .await;
        refused(
            Kind::Table,
            t.clone(),
            json!([{"op": "add", "path": "/colour", "value": "red"}]),
            "Unknown field colour",
        )
        .await;
        refused(
            Kind::Table,
            t.clone(),
            json!([{"op": "add", "path": "/followers/0", "value": {"id": "x", "type": "user"}}]),
            "Unknown field followers",
        )
        .await;
        refused(
            Kind::Table,
            t.clone(),
            json!([{"op": "add", "path": "/tableConstraints/-",
            "value": {"constraintType": "UNIQUE", "columns": ["nope"]}}]),
            "\"nope\" is not a column",
        )
        .await;
        refused(Kind::Table, t.clone(), json!([{"op": "remove", "path": "/columns"}]), "columns is required").await;
        refused(
            Kind::Table,
            t.clone(),
            json!([{"op": "add", "path": "/columns/9", "value": {}}]),
            "Patch operation 0 (add /columns/9) cannot be applied: /columns has 2 items",
        )
        .await;
        refused(
            Kind::Table,
            t.clone(),
            json!([{"op": "add", "path": "/tags/0", "value": {"tagFQN": "PII"}}]),
            "tags[0] is not a TagLabel",
        )
        .await;
        refused(Kind::Table, t.clone(), json!([{"op": "replace", "path": "", "value": []}]), "must stay a JSON object")
            .await;
        refused(Kind::Table, t.clone(), json!({"op": "add"}), "must be a JSON Patch").await;
        assert_eq!(store.catalog_row_counts().await.unwrap(), rows);

        // Unknown ids and soft-deleted entities are not found.
        let err = patch(Kind::Table, "00000000-0000-0000-0000-000000000000", json!([])).await.unwrap_err();
        assert!(matches!(err, CatalogError::NotFound { .. }), "{err}");
        let err = patch(Kind::Database, &t, json!([])).await.unwrap_err();
        assert!(matches!(err, CatalogError::NotFound { .. }), "a table's id is no database: {err}");
        c.delete(Kind::Table, &t, false, false, "bot").await.unwrap();
        let err = patch(Kind::Table, &t, json!([{"op": "replace", "path": "/sourceHash", "value": "x"}])).await;
        assert!(matches!(err, Err(CatalogError::NotFound { .. })), "{err:?}");
    }
}

#[tokio::test]
async fn concurrent_patches_each_apply_to_the_latest_version() {
    for db in both().await {
        let (c, _) = catalog(&db).await;
        seed(&c, "svc").await;
        let (t, _) = c.put(Kind::Table, table("svc.sample.main", "t", "h"), "bot", PUT).await.unwrap();
        let writes = (0..3).map(|i| {
            let (c, id) = (c.clone(), t.id().to_string());
            tokio::spawn(async move {
                let column = json!({"name": format!("c{i}"), "dataType": "INT"});
                c.patch(
                    Kind::Table,
                    &id,
                    json!([{"op": "add", "path": "/columns/-", "value": column}]),
                    "bot",
                    "",
                    &tessera_catalog::AnyEdit,
                )
                .await
            })
        });
        for write in writes {
            write.await.unwrap().unwrap();
        }
        let now = c.by_id(Kind::Table, t.id(), Include::NonDeleted).await.unwrap();
        assert_eq!((now.version(), now.doc["columns"].as_array().unwrap().len()), (0.4, 4), "no patch was lost");
    }
}

/// Everything the database holds for the catalog, current rows and versions, read with SQL.
async fn raw_bodies(store: &Store) -> String {
    let mut texts = store.query_texts_raw("SELECT body FROM catalog_entities").await.unwrap();
    texts.extend(store.query_texts_raw("SELECT body FROM catalog_versions").await.unwrap());
    texts.join("\n")
}

#[tokio::test]
async fn connection_secrets_are_sealed_kept_under_a_mask_and_never_in_changes() {
    use tessera_catalog::Fields;
    use tessera_catalog::secrets::MASK;
    let service = |password: &str, description: &str| {
        json!({"name": "warehouse", "serviceType": "Postgres", "description": description,
            "connection": {"config": {"type": "Postgres", "username": "etl", "hostPort": "db:5432",
                "authType": {"password": password}, "sslConfig": {"sslKey": "-----KEY-----"}}}})
    };
    let password = |c: &Catalog, e: &tessera_catalog::Entity, clear: bool| {
        let shown = c.render(e.clone(), "http://h", &Fields::All, clear).unwrap();
        shown["connection"]["config"]["authType"]["password"].as_str().unwrap().to_string()
    };
    for db in both().await {
        let (c, store) = catalog(&db).await;
        let (created, outcome) =
            c.put(Kind::DatabaseService, service("Cl3ar-pass", "dw"), "ingestion-bot", PUT).await.unwrap();
        assert_eq!(outcome, Outcome::Created);
        let raw = raw_bodies(&store).await;
        assert!(!raw.contains("Cl3ar-pass") && !raw.contains("-----KEY-----"), "{raw}");
        assert!(raw.contains("fernet:"), "{raw}");
        assert_eq!(password(&c, &created, true), "Cl3ar-pass");
        assert_eq!(password(&c, &created, false), MASK);
        let masked = c.render(created.clone(), "http://h", &Fields::All, false).unwrap();
        assert_eq!(masked["connection"]["config"]["sslConfig"]["sslKey"], MASK);
        assert_eq!(masked["connection"]["config"]["username"], "etl");

        // The mask sent back with another description keeps the stored secret.
        let (edited, outcome) = c.put(Kind::DatabaseService, service(MASK, "edited"), "admin", PUT).await.unwrap();
        assert_eq!((outcome, edited.version()), (Outcome::Updated, 0.2));
        assert_eq!(edited.doc["changeDescription"]["fieldsUpdated"][0]["name"], "description");
        assert_eq!(edited.doc["changeDescription"]["fieldsUpdated"].as_array().unwrap().len(), 1);
        let read = c.by_name(Kind::DatabaseService, "warehouse", Include::All).await.unwrap();
        assert_eq!(password(&c, &read, true), "Cl3ar-pass");
        // The same clear values again: nothing to write.
        let (_, outcome) = c.put(Kind::DatabaseService, service("Cl3ar-pass", "edited"), "b", PUT).await.unwrap();
        assert_eq!(outcome, Outcome::Unchanged);

        // A new password alone is a version, described without it. (A marker long enough that random
        // Fernet text cannot contain it: "N3w" alone once matched a ciphertext by chance.)
        let (rotated, outcome) =
            c.put(Kind::DatabaseService, service("N3w-rotated-pass", "edited"), "b", PUT).await.unwrap();
        assert_eq!((outcome, rotated.version()), (Outcome::Updated, 0.3));
        assert_eq!(
            rotated.doc["changeDescription"]["fieldsUpdated"],
            json!([{"name": "connection", "oldValue": "\"old-encrypted-value\"", "newValue": "\"new-encrypted-value\""}])
        );
        let raw = raw_bodies(&store).await;
        assert!(!raw.contains("Cl3ar-pass") && !raw.contains("N3w-rotated-pass"), "{raw}");
        let versions = c.versions(Kind::DatabaseService, created.id()).await.unwrap();
        let shown: Vec<String> = versions.iter().map(|v| password(&c, v, true)).collect();
        assert_eq!(shown, ["N3w-rotated-pass", "Cl3ar-pass", "Cl3ar-pass"]);
        assert!(versions.iter().all(|v| password(&c, v, false) == MASK));

        // Another key cannot open them: a clear error, never ciphertext.
        let other = c.clone().with_secrets(tessera_config::SecretBox::from_key([9; 32]));
        let error = other.render(rotated.clone(), "http://h", &Fields::All, true).unwrap_err();
        assert!(matches!(error, CatalogError::SecretUnreadable { .. }), "{error}");
        assert!(error.to_string().contains("Set FERNET_KEY back to the key"), "{error}");
        assert_eq!(password(&other, &rotated, false), MASK, "people still see the service");
    }
}

/// The key form before migration 9: one 32-hex SHA-256 prefix per FQN part.
fn first_form_key(fqn: &str) -> String {
    let parts = tessera_catalog::fqn::split(fqn).unwrap();
    let hex = |part: &String| {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, part.as_bytes());
        digest.as_ref()[..16].iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    parts.iter().map(hex).collect::<Vec<_>>().join(".")
}

#[tokio::test]
async fn keys_stored_before_migration_9_are_rewritten_at_migration() {
    for db in both().await {
        let (c, store) = catalog(&db).await;
        seed(&c, "svc").await;
        for name in ["orders", "apples", "my.table"] {
            c.put(Kind::Table, table("svc.sample.main", name, "h"), "bot", PUT).await.unwrap();
        }
        // Every key back in the first form, and the re-key pending, as an older database holds them.
        for row in store.query_texts_raw("SELECT id || '|' || fqn FROM catalog_entities").await.unwrap() {
            let (id, fqn) = row.split_once('|').unwrap();
            let key = first_form_key(fqn);
            store
                .execute_raw(&format!("UPDATE catalog_entities SET fqn_hash = '{key}' WHERE id = '{id}'"))
                .await
                .unwrap();
        }
        store
            .execute_raw("INSERT INTO tessera_settings (key, value) VALUES ('catalog_keys_v2', 'pending') ON CONFLICT DO NOTHING")
            .await
            .unwrap();
        assert!(
            matches!(
                c.by_name(Kind::Table, "svc.sample.main.orders", Include::All).await,
                Err(CatalogError::NotFound { .. })
            ),
            "the old keys are really in place"
        );

        tessera_catalog::migrate(&store).await.unwrap();
        for fqn in ["svc.sample.main.orders", "svc.sample.main.apples", "svc.sample.main.\"my.table\""] {
            assert_eq!(c.by_name(Kind::Table, fqn, Include::NonDeleted).await.unwrap().fqn(), fqn);
        }
        let query = ListQuery {
            limit: 10,
            filters: vec![("databaseSchema".into(), "svc.sample.main".into())],
            ..Default::default()
        };
        let page = c.list(Kind::Table, &query).await.unwrap();
        let names: Vec<&str> = page.items.iter().map(|e| e.name()).collect();
        assert_eq!(names, ["my.table", "apples", "orders"], "siblings in name order (a quote sorts first)");
        assert_eq!(
            store
                .query_texts_raw("SELECT key FROM tessera_settings WHERE key = 'catalog_keys_v2'")
                .await
                .unwrap()
                .len(),
            0
        );
        // The subtree is one key range again: a recursive hard delete takes everything.
        let service = c.by_name(Kind::DatabaseService, "svc", Include::NonDeleted).await.unwrap();
        c.delete(Kind::DatabaseService, service.id(), true, true, "admin").await.unwrap();
        assert_eq!(store.catalog_row_counts().await.unwrap(), (0, 0));
    }
}
