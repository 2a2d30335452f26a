//! How often queries join columns and tables (`table_joins`, migration 0018), per day, as 1.7
//! keeps them: one row per unordered pair of FQNs and day, the day's count replaced by each write;
//! a table reads the pairs naming it or one of its columns, from either side.

use crate::query::fetch;
use crate::write::{Statement, WriteSet};
use crate::{Store, StoreError};

/// What a pair joins: two columns or two tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    Column,
    Table,
}

impl JoinKind {
    fn name(self) -> &'static str {
        match self {
            JoinKind::Column => "column",
            JoinKind::Table => "table",
        }
    }
}

/// One day's count for a pair of FQNs (in either order).
#[derive(Debug, Clone, PartialEq)]
pub struct JoinCount<'a> {
    pub kind: JoinKind,
    pub one: &'a str,
    pub other: &'a str,
    pub date: &'a str,
    pub count: i64,
}

/// A pair seen from one table: the FQN on its side, the FQN joined with, the days' total.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct JoinTotal {
    pub near: String,
    pub far: String,
    pub count: i64,
}

// The day's count is replaced, as 1.7 replaces it.
const UPSERT: &str = "INSERT INTO table_joins (kind, from_fqn, to_fqn, join_date, join_count) VALUES (?, ?, ?, ?, ?) \
     ON CONFLICT (kind, from_fqn, to_fqn, join_date) DO UPDATE SET join_count = excluded.join_count";
const PRUNE: &str = "DELETE FROM table_joins WHERE kind = ? AND from_fqn = ? AND to_fqn = ? AND join_date < ?";
/// Both sides of the pairs whose FQN lies in `[low, high)` (a table's columns: `T.` up to `T/`)
/// or equals it (`low = T`, `high = T` + NUL for the table itself), summed from `since`.
const TOTALS: &str = "SELECT from_fqn AS near, to_fqn AS far, CAST(SUM(join_count) AS BIGINT) AS count FROM table_joins \
     WHERE kind = ? AND from_fqn >= ? AND from_fqn < ? AND join_date >= ? GROUP BY from_fqn, to_fqn \
     UNION ALL \
     SELECT to_fqn AS near, from_fqn AS far, CAST(SUM(join_count) AS BIGINT) AS count FROM table_joins \
     WHERE kind = ? AND to_fqn >= ? AND to_fqn < ? AND join_date >= ? GROUP BY from_fqn, to_fqn";

/// For the query-plan test.
pub(crate) const JOIN_PATHS: &[&str] = &[PRUNE, TOTALS];

/// Join counts between columns and between tables.
pub trait JoinStore {
    /// Records day counts in one transaction, dropping each pair's days before `oldest`.
    fn joins_record(
        &self,
        counts: &[JoinCount<'_>],
        oldest: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The pairs of `kind` with one side in `[low, high)`, each seen from that side, with their
    /// counts summed from `since` (a pair with both sides in range comes once from each).
    fn join_totals(
        &self,
        kind: JoinKind,
        low: &str,
        high: &str,
        since: &str,
    ) -> impl Future<Output = Result<Vec<JoinTotal>, StoreError>> + Send;
}

impl JoinStore for Store {
    async fn joins_record(&self, counts: &[JoinCount<'_>], oldest: &str) -> Result<(), StoreError> {
        let mut write = WriteSet::default();
        for count in counts {
            // One row per unordered pair, as 1.7: the alphabetically first FQN goes first.
            let (from, to) = if count.one < count.other { (count.one, count.other) } else { (count.other, count.one) };
            let kind = count.kind.name();
            write.push(Statement::new(
                UPSERT,
                vec![kind.into(), from.into(), to.into(), count.date.into(), count.count.into()],
            ));
            write.push(Statement::new(PRUNE, vec![kind.into(), from.into(), to.into(), oldest.into()]));
        }
        self.apply(write).await.map(drop)
    }

    async fn join_totals(
        &self,
        kind: JoinKind,
        low: &str,
        high: &str,
        since: &str,
    ) -> Result<Vec<JoinTotal>, StoreError> {
        let kind = kind.name();
        fetch!(self, JoinTotal, fetch_all, TOTALS, kind, low, high, since, kind, low, high, since)
    }
}
