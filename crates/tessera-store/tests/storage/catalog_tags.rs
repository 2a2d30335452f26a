//! Tag uses on both backends: every insert, update and hard delete keeps them; counts by tag and by
//! classification prefix; listings by tag skip columns' labels and other kinds; the migration's
//! backfill fills them for rows stored before it.

use super::both;
use tessera_store::{CatalogRow, CatalogStore, CatalogTagStore, Store};

fn row(id: &str, name: &str, hash: &str, body: &str) -> CatalogRow {
    CatalogRow {
        id: id.into(),
        kind: "table".into(),
        fqn: format!("svc.db.main.{name}"),
        fqn_hash: hash.into(),
        name: name.into(),
        body: body.into(),
        version: 0.1,
        deleted: false,
        updated_at: 1,
        updated_by: "ingestion-bot".into(),
        subtype: String::new(),
    }
}

const TAGGED: &str = r#"{"tags":[{"tagFQN":"PII.Sensitive"}],"columns":[{"name":"a","tags":[{"tagFQN":"PII.None"}]}]}"#;
const COLUMN_ONLY: &str = r#"{"columns":[{"name":"a","tags":[{"tagFQN":"PII.Sensitive"}]}]}"#;

async fn counts(store: &Store) -> (i64, i64, i64) {
    (
        store.catalog_tag_use_count("PII.Sensitive", "PII.Sensitive").await.unwrap(),
        store.catalog_tag_use_count("PII.", "PII.\u{10FFFF}").await.unwrap(),
        store.catalog_tagged(&["table"], "PII.Sensitive", (false, false), 0, 10).await.unwrap().total,
    )
}

#[tokio::test]
async fn writes_keep_tag_uses_and_the_backfill_fills_older_rows() {
    for db in both().await {
        let store = Store::connect(&db.config).await.unwrap();
        store.migrate().await.unwrap();
        let backend = store.backend();
        store.catalog_insert(&row("t1", "a", "01", TAGGED)).await.unwrap();
        store.catalog_insert(&row("t2", "b", "02", COLUMN_ONLY)).await.unwrap();
        assert_eq!(counts(&store).await, (2, 3, 1), "{backend:?}");
        let page = store.catalog_tagged(&["table"], "PII.Sensitive", (false, false), 0, 10).await.unwrap();
        assert_eq!(page.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["t1"]);
        assert!(
            store
                .catalog_tagged(&["databaseSchema"], "PII.Sensitive", (false, false), 0, 10)
                .await
                .unwrap()
                .rows
                .is_empty()
        );

        // An update replaces the uses; soft deletion keeps them counted but out of listings.
        let mut t1 = row("t1", "a", "01", COLUMN_ONLY);
        t1.version = 0.2;
        t1.deleted = true;
        store.catalog_update(&t1, 0.1).await.unwrap();
        assert_eq!(counts(&store).await, (2, 2, 0), "{backend:?}");
        let deleted = store.catalog_tagged(&["table"], "PII.Sensitive", (true, true), 0, 10).await.unwrap();
        assert_eq!(deleted.total, 0, "only the columns carry it now");

        // Older rows get their uses when the store migrates (once).
        store
            .execute_raw("DELETE FROM catalog_tag_uses; INSERT INTO tessera_settings (key, value) VALUES ('catalog_tag_uses_backfill', 'pending')")
            .await
            .unwrap();
        assert_eq!(counts(&store).await, (0, 0, 0));
        store.migrate().await.unwrap();
        assert_eq!(counts(&store).await, (2, 2, 0), "{backend:?}");
        assert_eq!(store.setting("catalog_tag_uses_backfill").await.unwrap(), None, "done once");

        // Hard deletes remove them, one entity or a subtree.
        store.catalog_hard_delete_one("t1").await.unwrap();
        assert_eq!(counts(&store).await, (1, 1, 0));
        let mut child = row("t3", "c", "02.01", TAGGED);
        child.kind = "column-holder".into();
        store.catalog_insert(&child).await.unwrap();
        assert_eq!(counts(&store).await, (2, 3, 0));
        store.catalog_hard_delete("t2", "02").await.unwrap();
        assert_eq!(counts(&store).await, (0, 0, 0), "{backend:?}");
    }
}
