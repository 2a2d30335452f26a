//! `copy_sqlite_to_postgres` between a real SQLite file and a real PostgreSQL database: values
//! come through typed (booleans, floats, NULLs, Unicode, timestamps), the change feed's sequence
//! moves on, a database holding data is refused, and a failure half-way leaves PostgreSQL empty.

use super::{postgres, sqlite, user};
use tessera_store::{AccountStore, CatalogStore, ChangeFeed, PipelineStatusStore};
use tessera_store::{CatalogRow, CopyError, LATEST_SCHEMA_VERSION, Store, copy_sqlite_to_postgres};

async fn migrated(db: &super::TestDb) -> Store {
    let store = Store::connect(&db.config).await.unwrap();
    store.migrate().await.unwrap();
    store
}

/// A source with a row in the tables whose types differ most between the backends.
async fn filled_source(store: &Store) {
    let mut admin = user("u1", "alice", false);
    (admin.is_admin, admin.version, admin.last_login_time, admin.description) =
        (true, 0.30000000000000004, Some(1_700_000_000_123), Some("l'été 🌍".into()));
    store.insert_user(&admin).await.unwrap();
    store.insert_user(&user("u2", "ingestion-bot", true)).await.unwrap();
    store.put_setting("greeting", "héllo").await.unwrap();
    let table = CatalogRow {
        id: "t1".into(),
        kind: "table".into(),
        fqn: "svc.db.main.orders".into(),
        fqn_hash: "a.b.c.d".into(),
        name: "orders".into(),
        body: r#"{"name":"orders"}"#.into(),
        version: 0.1,
        deleted: true,
        updated_at: 5,
        updated_by: "ingestion-bot".into(),
        subtype: String::new(),
    };
    store.catalog_insert(&table).await.unwrap();
    store.pipeline_status_put("t1", "run-1", 42, "{}").await.unwrap();
}

async fn count(store: &Store, table: &str) -> String {
    store.query_texts_raw(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}")).await.unwrap().remove(0)
}

#[tokio::test]
async fn rows_arrive_typed_and_the_sequence_moves_on() {
    let Some(pg) = postgres().await else { return };
    let lite = sqlite();
    let (source, destination) = (migrated(&lite).await, Store::connect(&pg.config).await.unwrap());
    filled_source(&source).await;
    // More name keys than one batch: catalog_names has no rowid and is walked by its primary key.
    let keys: Vec<String> = (0..1_234).map(|i| format!("('table', 'name {i:04}', 't1', {})", i % 2)).collect();
    let insert = format!("INSERT INTO catalog_names (kind, name_key, entity_id, whole) VALUES {}", keys.join(", "));
    source.execute_raw(&insert).await.unwrap();

    let report = copy_sqlite_to_postgres(&source, &destination).await.unwrap();
    assert_eq!(report.schema_version, LATEST_SCHEMA_VERSION);
    let names = "SELECT kind || '/' || name_key || '/' || entity_id || '/' || whole FROM catalog_names ORDER BY 1";
    let copied = destination.query_texts_raw(names).await.unwrap();
    assert!(copied.len() >= 1_234, "{}", copied.len());
    assert_eq!(copied, source.query_texts_raw(names).await.unwrap(), "every name key, once");
    let rows = |name: &str| report.tables.iter().find(|(t, _)| t == name).map(|(_, n)| *n);
    assert_eq!((rows("users"), rows("catalog_entities"), rows("pipeline_statuses")), (Some(2), Some(1), Some(1)));
    assert_eq!(rows("tessera_schema_migrations"), None, "bookkeeping is each side's own");
    let order: Vec<&str> = report.tables.iter().map(|(t, _)| t.as_str()).collect();
    let at = |name: &str| order.iter().position(|t| *t == name).unwrap();
    assert!(at("users") < at("bots") && at("catalog_entities") < at("pipeline_statuses"), "{order:?}");

    for id in ["u1", "u2"] {
        assert_eq!(destination.user_by_id(id).await.unwrap(), source.user_by_id(id).await.unwrap());
    }
    assert_eq!(destination.catalog_by_id("t1").await.unwrap(), source.catalog_by_id("t1").await.unwrap());
    assert_eq!(destination.setting("greeting").await.unwrap().as_deref(), Some("héllo"));
    assert_eq!(destination.pipeline_status("t1", "run-1").await.unwrap().as_deref(), Some("{}"));
    let latest = source.latest_change().await.unwrap();
    assert_eq!(destination.latest_change().await.unwrap(), latest);
    destination.record_change("after the move").await.unwrap();
    assert_eq!(destination.latest_change().await.unwrap(), latest + 1, "the sequence continues after the copy");

    let again = copy_sqlite_to_postgres(&source, &destination).await.unwrap_err();
    assert!(matches!(again, CopyError::NotEmpty { .. }), "{again:?}");
    let message = again.to_string();
    assert!(message.contains("users: 2 rows") && message.contains("never merges"), "{message}");
    assert!(message.contains("create a new, empty PostgreSQL database"), "{message}");
    assert_eq!(count(&destination, "users").await, "2", "nothing was added");
}

#[tokio::test]
async fn a_failure_half_way_leaves_postgres_empty() {
    let Some(pg) = postgres().await else { return };
    let lite = sqlite();
    let (source, destination) = (migrated(&lite).await, Store::connect(&pg.config).await.unwrap());
    filled_source(&source).await;
    // Bots are copied after users and the catalog: a value PostgreSQL cannot take there.
    source
        .execute_raw(
            "INSERT INTO bots (id, name, bot_user_id, deleted, version, updated_at, updated_by) \
             VALUES ('b1', 'ingestion-bot', 'u2', 7, 0.1, 1, 'admin')",
        )
        .await
        .unwrap();
    let error = copy_sqlite_to_postgres(&source, &destination).await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("bots.deleted of the row with rowid 1 holds the integer 7"), "{message}");
    assert!(message.contains("correct that row in the SQLite database"), "{message}");
    for table in ["users", "catalog_entities", "bots"] {
        assert_eq!(count(&destination, table).await, "0", "{table}: rolled back");
    }
    let settings = destination.query_texts_raw("SELECT key FROM tessera_settings ORDER BY key").await.unwrap();
    assert_eq!(settings, ["catalog_keys_v2", "catalog_secrets_sealed_v1"], "only what the migrations wrote");
    assert_eq!(destination.schema_version().await.unwrap(), LATEST_SCHEMA_VERSION, "migrated, and empty");

    // Fixed, the same command goes through into the same (still empty) database.
    source.execute_raw("UPDATE bots SET deleted = 1").await.unwrap();
    copy_sqlite_to_postgres(&source, &destination).await.unwrap();
    assert!(destination.bot_by_id("b1").await.unwrap().unwrap().deleted);
}

#[tokio::test]
async fn an_outdated_or_foreign_source_is_refused_before_postgres_is_touched() {
    let Some(pg) = postgres().await else { return };
    let lite = sqlite();
    let (source, destination) = (migrated(&lite).await, Store::connect(&pg.config).await.unwrap());
    let latest = LATEST_SCHEMA_VERSION;
    source.execute_raw(&format!("DELETE FROM tessera_schema_migrations WHERE version = {latest}")).await.unwrap();
    let error = copy_sqlite_to_postgres(&source, &destination).await.unwrap_err();
    let message = error.to_string();
    let older = format!("has schema version {}, older than this Tessera build's {latest}", latest - 1);
    assert!(message.contains(&older), "{message}");
    assert!(message.contains("run `tessera migrate` of this build"), "{message}");
    assert_eq!(destination.schema_version().await.unwrap(), 0, "PostgreSQL untouched");

    let empty = sqlite();
    let foreign = Store::connect(&empty.config).await.unwrap();
    let error = copy_sqlite_to_postgres(&foreign, &destination).await.unwrap_err();
    assert!(error.to_string().contains("holds no Tessera schema"), "{error}");
    let backwards = copy_sqlite_to_postgres(&destination, &source).await.unwrap_err();
    assert!(matches!(backwards, CopyError::Backends), "{backwards:?}");

    // A PostgreSQL database shared with something else: nothing is left behind or mixed in.
    let current = sqlite();
    let source = migrated(&current).await;
    filled_source(&source).await;
    destination.execute_raw("CREATE TABLE unrelated (x INTEGER)").await.unwrap();
    let error = copy_sqlite_to_postgres(&source, &destination).await.unwrap_err();
    assert!(error.to_string().contains("has tables Tessera does not know (unrelated)"), "{error}");
    assert_eq!(count(&destination, "users").await, "0");
}
