//! Name search over the catalog (`catalog_names`, migration 0006): each entity's name is stored as
//! lower-cased keys — the whole name and, for each word inside it, the rest of the name from that
//! word on — so "starts with" (of the name or of a word) is a range scan of an index, whatever the
//! size of the catalog. A search reads at most [`SEARCH_WINDOW`] keys in key order, so its cost is
//! bounded too; a total that reaches the window is reported as a lower bound.

use crate::query::{exec, fetch};
use crate::write::Statement;
use crate::{CatalogRow, Store, StoreError};

/// Keys are cut to this many characters; a longer search text cannot be answered exactly.
pub const NAME_KEY_CHARS: usize = 128;
/// At most this many word keys per name (a name of 500 one-letter words stays cheap).
const MAX_WORD_KEYS: usize = 16;
/// How many matching keys one search reads at most.
pub const SEARCH_WINDOW: i64 = 10_000;

/// One statement that stores `keys` `(kind, key, entity id, whole)` (a name has a few; the
/// backfill sends them in chunks).
pub(crate) fn insert_names(keys: Vec<(String, String, String, bool)>) -> Statement {
    let mut sql = String::from("INSERT INTO catalog_names (kind, name_key, entity_id, whole) VALUES ");
    let mut args = Vec::with_capacity(keys.len() * 4);
    for (i, (kind, key, id, whole)) in keys.into_iter().enumerate() {
        sql.push_str(if i == 0 { "(?, ?, ?, ?)" } else { ", (?, ?, ?, ?)" });
        args.extend([kind.into(), key.into(), id.into(), i64::from(whole).into()]);
    }
    sql.push_str(" ON CONFLICT DO NOTHING");
    Statement::new(sql, args)
}

/// The text a name or a search is compared as: Unicode lower case, cut to [`NAME_KEY_CHARS`].
pub fn name_key(text: &str) -> String {
    text.to_lowercase().chars().take(NAME_KEY_CHARS).collect()
}

/// The search keys of a name: `(key, whole)`, the whole name first, then one per word start (after
/// a character that is not a letter or digit, or a lower-case letter followed by an upper-case one:
/// `customer_orders`, `customerOrders`, `sales.2024 orders` all have a key starting `orders`).
pub(crate) fn name_keys(name: &str) -> Vec<(String, bool)> {
    let mut keys = vec![(name_key(name), true)];
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    for pair in chars.windows(2) {
        let ((_, prev), (at, c)) = (pair[0], pair[1]);
        let starts_word = c.is_alphanumeric() && (!prev.is_alphanumeric() || (prev.is_lowercase() && c.is_uppercase()));
        if starts_word {
            let key = name_key(&name[at..]);
            if !keys.iter().any(|(k, _)| *k == key) {
                keys.push((key, false));
            }
            if keys.len() > MAX_WORD_KEYS {
                break;
            }
        }
    }
    keys
}

/// What to search: `kinds` (one to five entity types), a lower-cased `prefix` (see [`name_key`];
/// `""` matches every name), `deleted` as in [`crate::CatalogRange`], and a page (`from`, `size`).
#[derive(Debug, Clone, PartialEq)]
pub struct NameSearch<'a> {
    pub kinds: &'a [&'a str],
    pub prefix: &'a str,
    pub deleted: (bool, bool),
    pub from: i64,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NameHits {
    /// Whole-name matches first, then word matches; each group by name, then FQN.
    pub rows: Vec<CatalogRow>,
    /// Matching entities (within the window).
    pub total: i64,
    /// False when the window was full: there may be more than `total`.
    pub exact: bool,
}

/// The keys in the prefix range, in key order, at most the window. Five kind placeholders: one
/// kind is bound five times (served by the primary key), or several (by `catalog_names_key`).
macro_rules! window_sql {
    ($kind_test:literal) => {
        concat!(
            "SELECT n.entity_id AS entity_id, n.name_key AS name_key, n.whole AS whole \
             FROM catalog_names n JOIN catalog_entities e ON e.id = n.entity_id \
             WHERE ",
            $kind_test,
            " AND n.name_key >= ? AND n.name_key < ? AND e.deleted IN (?, ?) ORDER BY n.name_key LIMIT ?"
        )
    };
}
macro_rules! hits_sql {
    ($kind_test:literal) => {
        concat!(
            "SELECT e.id, e.kind, e.fqn, e.fqn_hash, e.name, e.body, e.version, e.deleted, e.updated_at, \
             e.updated_by, e.subtype FROM (SELECT entity_id, MAX(whole) AS whole, MIN(name_key) AS name_key FROM (",
            window_sql!($kind_test),
            ") w GROUP BY entity_id) m JOIN catalog_entities e ON e.id = m.entity_id \
             ORDER BY m.whole DESC, m.name_key, e.fqn LIMIT ? OFFSET ?"
        )
    };
}
macro_rules! count_sql {
    ($kind_test:literal) => {
        concat!("SELECT COUNT(DISTINCT entity_id), COUNT(*) FROM (", window_sql!($kind_test), ") w")
    };
}
const HITS_ONE: &str = hits_sql!("n.kind = ? AND n.kind IN (?, ?, ?, ?)");
const COUNT_ONE: &str = count_sql!("n.kind = ? AND n.kind IN (?, ?, ?, ?)");
const HITS_MANY: &str = hits_sql!("n.kind IN (?, ?, ?, ?, ?)");
const COUNT_MANY: &str = count_sql!("n.kind IN (?, ?, ?, ?, ?)");
const BACKFILL_BATCH: &str = "SELECT id, kind, name FROM catalog_entities WHERE id > ? ORDER BY id LIMIT 500";
/// Written by migration 0006, removed once the backfill is done (`copy.rs` knows it is not data).
pub(crate) const BACKFILL_SETTING: &str = "catalog_names_backfill";

/// The search queries, for the query-plan test.
pub(crate) const SEARCH_PATHS: &[&str] = &[HITS_ONE, COUNT_ONE, HITS_MANY, COUNT_MANY, BACKFILL_BATCH];

/// `+ U+10FFFF`: above every key that starts with the prefix (bytes and code points agree).
fn upper_bound(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// The name-search index of catalog entities.
pub trait CatalogNameStore {
    /// Entities whose name, or a word of it, starts with `search.prefix`.
    fn catalog_search_names(
        &self,
        search: &NameSearch<'_>,
    ) -> impl Future<Output = Result<NameHits, StoreError>> + Send;
}

impl CatalogNameStore for Store {
    async fn catalog_search_names(&self, search: &NameSearch<'_>) -> Result<NameHits, StoreError> {
        let kinds = match search.kinds {
            [] => return Ok(NameHits { rows: vec![], total: 0, exact: true }),
            [one] => [*one; 5],
            several => std::array::from_fn(|i| several.get(i).copied().unwrap_or("")),
        };
        let (hits_sql, count_sql) =
            if search.kinds.len() == 1 { (HITS_ONE, COUNT_ONE) } else { (HITS_MANY, COUNT_MANY) };
        let upper = upper_bound(search.prefix);
        let (d0, d1) = search.deleted;
        let [k0, k1, k2, k3, k4] = kinds;
        #[derive(sqlx::FromRow)]
        struct Counts(i64, i64);
        let counts = fetch!(
            self,
            Counts,
            fetch_one,
            count_sql,
            k0,
            k1,
            k2,
            k3,
            k4,
            search.prefix,
            &upper,
            d0,
            d1,
            SEARCH_WINDOW
        )?;
        let rows = if search.size > 0 && search.from < counts.0 {
            fetch!(
                self,
                CatalogRow,
                fetch_all,
                hits_sql,
                k0,
                k1,
                k2,
                k3,
                k4,
                search.prefix,
                &upper,
                d0,
                d1,
                SEARCH_WINDOW,
                search.size,
                search.from
            )?
        } else {
            vec![]
        };
        Ok(NameHits { rows, total: counts.0, exact: counts.1 < SEARCH_WINDOW })
    }
}

impl Store {
    /// Fills `catalog_names` for entities stored before migration 0006, once (the setting marks
    /// it pending; inserts are idempotent, so an interrupted or concurrent run is harmless).
    pub(crate) async fn backfill_catalog_names(&self) -> Result<(), StoreError> {
        if self.setting(BACKFILL_SETTING).await?.is_none() {
            return Ok(());
        }
        #[derive(sqlx::FromRow)]
        struct Named {
            id: String,
            kind: String,
            name: String,
        }
        let mut after = String::new();
        loop {
            let batch = fetch!(self, Named, fetch_all, BACKFILL_BATCH, &after)?;
            let Some(last) = batch.last() else { break };
            after = last.id.clone();
            // One transaction per batch: one commit (and fsync) per 500 entities, not per key.
            let keys: Vec<_> = batch
                .iter()
                .flat_map(|row| {
                    name_keys(&row.name).into_iter().map(|(key, whole)| (row.kind.clone(), key, row.id.clone(), whole))
                })
                .collect();
            self.catalog_insert_names(keys).await?;
        }
        exec!(self, "DELETE FROM tessera_settings WHERE key = ?", BACKFILL_SETTING)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(name: &str) -> Vec<String> {
        name_keys(name).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn whole_name_then_words() {
        assert_eq!(keys("customer_orders"), ["customer_orders", "orders"]);
        assert_eq!(keys("customerOrders"), ["customerorders", "orders"]);
        assert_eq!(keys("Sales.2024 Orders"), ["sales.2024 orders", "2024 orders", "orders"]);
        assert_eq!(keys("Ünïcödé_Tàble"), ["ünïcödé_tàble", "tàble"]);
        assert_eq!(keys("orders"), ["orders"]);
        assert_eq!(keys(""), [""]);
    }

    #[test]
    fn keys_are_bounded() {
        let long = "a_".repeat(400);
        let keys = keys(&long);
        assert!(keys.len() <= MAX_WORD_KEYS + 1);
        assert!(keys.iter().all(|k| k.chars().count() <= NAME_KEY_CHARS));
        assert_eq!(name_key(&"É".repeat(300)).chars().count(), NAME_KEY_CHARS);
    }
}
