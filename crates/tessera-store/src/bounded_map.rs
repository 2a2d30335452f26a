//! The one shape of the in-memory maps the services keep in front of the store (verified tokens,
//! users, subjects, rendered users, list totals...): shared between threads, bounded, and emptied
//! when full rather than evicting entry by entry. Emptying costs each key one rebuild (a lookup or
//! a signature check), needs no bookkeeping on the hot path, and keeps memory bounded under a
//! flood of distinct keys.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub struct BoundedMap<K, V, S = std::collections::hash_map::RandomState> {
    entries: RwLock<HashMap<K, V, S>>,
    capacity: usize,
}

impl<K: Eq + Hash, V, S: BuildHasher + Default> BoundedMap<K, V, S> {
    /// A map that never holds more than `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        Self { entries: RwLock::new(HashMap::default()), capacity: capacity.max(1) }
    }

    /// What `read` makes of the entry under `key`; `None` when there is none or `read` declines
    /// it (an entry that has aged or whose stamp no longer matches).
    pub fn read<Q, R>(&self, key: &Q, read: impl FnOnce(&V) -> Option<R>) -> Option<R>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries_read().get(key).and_then(read)
    }

    /// A copy of the entry under `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
        V: Clone,
    {
        self.read(key, |value| Some(value.clone()))
    }

    /// Stores `value` under `key`, first emptying the map if it is full.
    pub fn insert(&self, key: K, value: V) {
        let mut entries = self.entries_write();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, value);
    }

    /// Forgets every entry (the source changed as a whole).
    pub fn clear(&self) {
        self.entries_write().clear();
    }

    pub fn len(&self) -> usize {
        self.entries_read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    // A panic while the lock was held cannot leave a half-made entry (the map's operations are
    // panic-safe) and a cache's entries are only copies, so a poisoned lock is used as it is.
    fn entries_read(&self) -> RwLockReadGuard<'_, HashMap<K, V, S>> {
        self.entries.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn entries_write(&self) -> RwLockWriteGuard<'_, HashMap<K, V, S>> {
        self.entries.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<K: Eq + Hash, V, S: BuildHasher + Default> Default for BoundedMap<K, V, S> {
    /// Bounded at 100,000 entries, the size of the user-facing caches.
    fn default() -> Self {
        Self::new(100_000)
    }
}

#[cfg(test)]
mod tests {
    use super::BoundedMap;

    #[test]
    fn holds_at_most_its_capacity_and_empties_when_a_new_key_would_pass_it() {
        let map: BoundedMap<String, u32> = BoundedMap::new(3);
        for (i, key) in ["a", "b", "c"].into_iter().enumerate() {
            map.insert(key.into(), i as u32);
        }
        assert_eq!((map.len(), map.get("b")), (3, Some(1)));
        map.insert("b".into(), 7);
        assert_eq!((map.len(), map.get("b")), (3, Some(7)), "replacing a key keeps the others");
        map.insert("d".into(), 3);
        assert_eq!((map.len(), map.get("a"), map.get("d")), (1, None, Some(3)), "a new key past capacity empties");
    }

    #[test]
    fn read_declines_stale_entries_and_clear_forgets_all() {
        let map: BoundedMap<&'static str, (u64, &'static str)> = BoundedMap::new(10);
        map.insert("user", (2, "json"));
        let current = |stamp: u64| map.read("user", |(at, json)| (*at == stamp).then_some(*json));
        assert_eq!((current(2), current(1)), (Some("json"), None));
        map.clear();
        assert!(map.is_empty());
        assert_eq!(BoundedMap::<u8, u8>::new(0).capacity, 1, "a capacity of zero still keeps the last entry");
    }

    #[test]
    fn a_poisoned_lock_is_still_used() {
        let map = std::sync::Arc::new(BoundedMap::<u8, u8>::new(4));
        map.insert(1, 1);
        let held = map.clone();
        let _ = std::thread::spawn(move || {
            let _guard = held.entries.write().unwrap();
            panic!("poison the lock");
        })
        .join();
        map.insert(2, 2);
        assert_eq!((map.get(&1), map.get(&2)), (Some(1), Some(2)));
    }
}
