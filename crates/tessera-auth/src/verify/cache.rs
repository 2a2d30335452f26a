//! Verified tokens by hash, so a token seen before costs a lookup instead of an RSA check. Bounded
//! (emptied when full: the next request of each client re-verifies once) and aged (an entry older
//! than the TTL counts as absent, so a key withdrawn from a JWKS stops counting within it).

use super::{TokenHash, TokenHashing, Verified};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub struct VerifiedCache {
    entries: RwLock<HashMap<TokenHash, (Instant, Arc<Verified>), TokenHashing>>,
    capacity: usize,
    ttl: Duration,
}

impl VerifiedCache {
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Self { entries: RwLock::new(HashMap::with_capacity_and_hasher(1024, TokenHashing)), capacity, ttl }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The entry and when it was verified.
    pub fn get(&self, hash: &TokenHash) -> Option<(Arc<Verified>, Instant)> {
        let entries = self.entries.read().expect("cache lock");
        entries.get(hash).filter(|(at, _)| at.elapsed() < self.ttl).map(|(at, v)| (v.clone(), *at))
    }

    /// Returns when the entry counts from.
    pub fn insert(&self, hash: TokenHash, verified: Arc<Verified>) -> Instant {
        let mut entries = self.entries.write().expect("cache lock");
        if entries.len() >= self.capacity {
            entries.clear();
        }
        let at = Instant::now();
        entries.insert(hash, (at, verified));
        at
    }
}
