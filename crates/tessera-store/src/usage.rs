//! Daily usage (`entity_usage`, migration 0016) as 1.7 keeps it: per entity and day the day's
//! count and the 7- and 30-day sums up to it, maintained by each write; percentile ranks among
//! the entities of one type on one day, computed in one statement (a window function, so the
//! cost is a sort of that day's rows).

use crate::query::fetch;
use crate::write::{Statement, WriteSet};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UsageRow {
    pub entity_id: String,
    /// `YYYY-MM-DD`.
    pub usage_date: String,
    pub kind: String,
    pub count1: i64,
    pub count7: i64,
    pub count30: i64,
    pub percentile1: f64,
    pub percentile7: f64,
    pub percentile30: f64,
}

/// How a day's count meets the one already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageMerge {
    /// 1.7's POST: the day's count becomes this one (the sums move by the difference).
    Replace,
    /// 1.7's PUT: this count is added to the day's.
    Add,
}

/// One day's count for one entity, and the dates bounding the sums it starts with (the 6 and 29
/// days before it, computed by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct DailyCount<'a> {
    pub entity_id: &'a str,
    pub kind: &'a str,
    pub date: &'a str,
    pub week_start: &'a str,
    pub month_start: &'a str,
    pub count: i64,
}

macro_rules! usage_columns {
    () => {
        "entity_id, usage_date, kind, count1, count7, count30, percentile1, percentile7, percentile30"
    };
}

/// A new day starts with the sums of the days before it in its windows.
macro_rules! insert_day {
    ($on_conflict:literal) => {
        concat!(
            "INSERT INTO entity_usage (entity_id, usage_date, kind, count1, count7, count30) VALUES (?, ?, ?, ?, \
             ? + (SELECT COALESCE(SUM(count1), 0) FROM entity_usage WHERE entity_id = ? AND usage_date >= ? AND usage_date < ?), \
             ? + (SELECT COALESCE(SUM(count1), 0) FROM entity_usage WHERE entity_id = ? AND usage_date >= ? AND usage_date < ?)) \
             ON CONFLICT (entity_id, usage_date) DO UPDATE SET ",
            $on_conflict
        )
    };
}
// Every right-hand side reads the row as it was before the update.
const REPLACE: &str = insert_day!(
    "count7 = entity_usage.count7 + excluded.count1 - entity_usage.count1, \
     count30 = entity_usage.count30 + excluded.count1 - entity_usage.count1, count1 = excluded.count1"
);
const ADD: &str = insert_day!(
    "count1 = entity_usage.count1 + excluded.count1, count7 = entity_usage.count7 + excluded.count1, \
     count30 = entity_usage.count30 + excluded.count1"
);
const DAYS: &str = concat!(
    "SELECT ",
    usage_columns!(),
    " FROM entity_usage WHERE entity_id = ? AND usage_date >= ? AND usage_date <= ? ORDER BY usage_date DESC"
);
const LATEST: &str =
    concat!("SELECT ", usage_columns!(), " FROM entity_usage WHERE entity_id = ? ORDER BY usage_date DESC LIMIT 1");
/// `100 × (entities of the type that day with a lower count) / (entities of the type that day)`,
/// rounded to two decimals, for each of the three counts.
const PERCENTILES: &str = "UPDATE entity_usage SET percentile1 = r.p1, percentile7 = r.p7, percentile30 = r.p30 \
     FROM (SELECT entity_id, \
       ROUND(CAST(100.0 * (RANK() OVER (ORDER BY count1) - 1) / COUNT(*) OVER () AS NUMERIC), 2) AS p1, \
       ROUND(CAST(100.0 * (RANK() OVER (ORDER BY count7) - 1) / COUNT(*) OVER () AS NUMERIC), 2) AS p7, \
       ROUND(CAST(100.0 * (RANK() OVER (ORDER BY count30) - 1) / COUNT(*) OVER () AS NUMERIC), 2) AS p30 \
       FROM entity_usage WHERE kind = ? AND usage_date = ?) r \
     WHERE entity_usage.entity_id = r.entity_id AND entity_usage.usage_date = ?";

/// What a hard delete of entities removes of their usage.
pub(crate) const DELETE_SUBTREE_USAGE: &str = "DELETE FROM entity_usage WHERE entity_id IN \
     (SELECT id FROM catalog_entities WHERE id = ? OR (fqn_hash > ? AND fqn_hash < ?))";
pub(crate) const DELETE_ONE_USAGE: &str = "DELETE FROM entity_usage WHERE entity_id = ?";

/// The usage queries that read or change stored rows, for the query-plan test.
pub(crate) const USAGE_PATHS: &[&str] = &[DAYS, LATEST, DELETE_SUBTREE_USAGE, DELETE_ONE_USAGE];

/// Daily usage of catalog entities.
pub trait UsageStore {
    /// Records day counts in one transaction (a table's count also goes to its schema and
    /// database).
    fn usage_record(
        &self,
        counts: &[(DailyCount<'_>, UsageMerge)],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The entity's days from `first` to `last` (inclusive), newest first.
    fn usage_days(
        &self,
        entity_id: &str,
        first: &str,
        last: &str,
    ) -> impl Future<Output = Result<Vec<UsageRow>, StoreError>> + Send;

    /// The entity's newest day, if any.
    fn usage_latest(&self, entity_id: &str) -> impl Future<Output = Result<Option<UsageRow>, StoreError>> + Send;

    /// Ranks the entities of `kind` on `date`; how many rows were ranked.
    fn usage_rank(&self, kind: &str, date: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

impl UsageStore for Store {
    async fn usage_record(&self, counts: &[(DailyCount<'_>, UsageMerge)]) -> Result<(), StoreError> {
        let mut write = WriteSet::default();
        for (day, merge) in counts {
            let sql = if *merge == UsageMerge::Replace { REPLACE } else { ADD };
            write.push(Statement::new(
                sql,
                vec![
                    day.entity_id.into(),
                    day.date.into(),
                    day.kind.into(),
                    day.count.into(),
                    day.count.into(),
                    day.entity_id.into(),
                    day.week_start.into(),
                    day.date.into(),
                    day.count.into(),
                    day.entity_id.into(),
                    day.month_start.into(),
                    day.date.into(),
                ],
            ));
        }
        self.apply(write).await.map(drop)
    }

    async fn usage_days(&self, entity_id: &str, first: &str, last: &str) -> Result<Vec<UsageRow>, StoreError> {
        fetch!(self, UsageRow, fetch_all, DAYS, entity_id, first, last)
    }

    async fn usage_latest(&self, entity_id: &str) -> Result<Option<UsageRow>, StoreError> {
        fetch!(self, UsageRow, fetch_optional, LATEST, entity_id)
    }

    async fn usage_rank(&self, kind: &str, date: &str) -> Result<u64, StoreError> {
        let mut write = WriteSet::default();
        write.push(Statement::new(PERCENTILES, vec![kind.into(), date.into(), date.into()]));
        Ok(self.apply(write).await?.first().copied().unwrap_or(0))
    }
}
