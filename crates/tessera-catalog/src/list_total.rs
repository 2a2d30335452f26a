//! `paging.total` without a `COUNT(*)` per list request. Under load the count was PostgreSQL's
//! main cost (bench/soak.py: 0.37 ms a call against 0.06 ms for the page itself, every row of the
//! range read from the heap), while the number it returns changes only when an entity is created,
//! deleted (soft or hard), restored or changes subtype.
//!
//! A count is kept per range and reused while no such write happened on this replica and for at
//! most [`FRESH_FOR`]: a write through another replica shows in this one's totals within that
//! time, as other replicas' writes show in its in-memory state (the change feed's promise). The
//! page's rows are always read fresh.

use crate::kind::Kind;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tessera_store::BoundedMap;

/// How long a count may be reused when this replica wrote nothing that changes it.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(1);
/// Distinct ranges kept; past this the counts are dropped (each costs one query to rebuild).
const MAX_RANGES: usize = 4_096;

/// Which rows a count covers: kind, key range, deleted bounds, subtype.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RangeKey {
    pub kind: Kind,
    pub lower: String,
    pub upper: String,
    pub deleted: (bool, bool),
    pub subtype: String,
}

pub(crate) struct ListTotals {
    /// Bumped after every write that can change a count.
    generation: AtomicU64,
    counts: BoundedMap<RangeKey, Counted>,
}

impl Default for ListTotals {
    fn default() -> Self {
        Self { generation: AtomicU64::new(0), counts: BoundedMap::new(MAX_RANGES) }
    }
}

struct Counted {
    generation: u64,
    at: Instant,
    total: i64,
}

impl ListTotals {
    /// The generation to pass to [`Self::keep`]: read before counting, so a write that lands
    /// while the count runs makes the kept count stale rather than wrong.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Called after a write that adds, removes, deletes, restores or re-types an entity.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// A kept count still valid now.
    pub fn get(&self, key: &RangeKey) -> Option<i64> {
        let current = self.generation();
        self.counts.read(key, |counted| {
            (counted.generation == current && counted.at.elapsed() < FRESH_FOR).then_some(counted.total)
        })
    }

    pub fn keep(&self, key: RangeKey, generation: u64, total: i64) {
        self.counts.insert(key, Counted { generation, at: Instant::now(), total });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RangeKey {
        RangeKey {
            kind: Kind::Table,
            lower: "a.".into(),
            upper: "a/".into(),
            deleted: (false, false),
            subtype: "".into(),
        }
    }

    #[test]
    fn a_count_is_reused_until_a_write_or_its_age_ends_it() {
        let totals = ListTotals::default();
        assert_eq!(totals.get(&key()), None);
        let generation = totals.generation();
        totals.keep(key(), generation, 7);
        assert_eq!(totals.get(&key()), Some(7));
        totals.changed();
        assert_eq!(totals.get(&key()), None, "a write on this replica ends it at once");
        totals.keep(key(), generation, 7);
        assert_eq!(totals.get(&key()), None, "counted before the write: never reused");
        totals.keep(key(), totals.generation(), 8);
        std::thread::sleep(FRESH_FOR + Duration::from_millis(50));
        assert_eq!(totals.get(&key()), None, "other replicas' writes show within FRESH_FOR");
    }
}
