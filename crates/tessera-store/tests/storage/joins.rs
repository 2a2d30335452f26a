//! Join counts: one row per unordered pair and day, the day's count replaced, old days pruned,
//! totals seen from either side of a pair (both backends).

use tessera_store::{JoinCount, JoinKind, JoinStore, JoinTotal, Store};

async fn store(db: &super::TestDb) -> Store {
    let store = Store::connect(&db.config).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn count<'a>(one: &'a str, other: &'a str, date: &'a str, count: i64) -> JoinCount<'a> {
    JoinCount { kind: JoinKind::Column, one, other, date, count }
}

fn total(near: &str, far: &str, count: i64) -> JoinTotal {
    JoinTotal { near: near.into(), far: far.into(), count }
}

#[tokio::test]
async fn pairs_are_counted_per_day_and_read_from_either_side() {
    for db in super::both().await {
        let store = store(&db).await;
        let oldest = "2026-11-05";
        store.joins_record(&[count("s.orders.cid", "s.customers.id", "2026-12-01", 3)], oldest).await.unwrap();
        // The same pair named from the other side, another day, then that day again: replaced.
        store.joins_record(&[count("s.customers.id", "s.orders.cid", "2026-12-02", 1)], oldest).await.unwrap();
        store.joins_record(&[count("s.customers.id", "s.orders.cid", "2026-12-02", 4)], oldest).await.unwrap();
        // A day older than the window goes when its pair is next written.
        store.joins_record(&[count("s.orders.cid", "s.customers.id", "2026-10-01", 50)], "2026-09-01").await.unwrap();
        store.joins_record(&[count("s.orders.cid", "s.customers.id", "2026-12-03", 0)], oldest).await.unwrap();
        // A column of a table whose name starts like "orders" is not one of orders' columns.
        store.joins_record(&[count("s.orders_x.id", "s.customers.id", "2026-12-01", 9)], oldest).await.unwrap();

        let orders = store.join_totals(JoinKind::Column, "s.orders.", "s.orders/", oldest).await.unwrap();
        assert_eq!(orders, [total("s.orders.cid", "s.customers.id", 7)]);
        let mut customers = store.join_totals(JoinKind::Column, "s.customers.", "s.customers/", oldest).await.unwrap();
        customers.sort_by(|a, b| a.far.cmp(&b.far));
        assert_eq!(
            customers,
            [total("s.customers.id", "s.orders.cid", 7), total("s.customers.id", "s.orders_x.id", 9)]
        );
        // Counted from a later day only the later days add up.
        let recent = store.join_totals(JoinKind::Column, "s.orders.", "s.orders/", "2026-12-02").await.unwrap();
        assert_eq!(recent, [total("s.orders.cid", "s.customers.id", 4)]);
        let tables = store.join_totals(JoinKind::Table, "s.orders", "s.orders\u{1}", oldest).await.unwrap();
        assert!(tables.is_empty(), "column pairs are not table pairs: {tables:?}");
    }
}
