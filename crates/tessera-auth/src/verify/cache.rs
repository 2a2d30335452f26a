//! Verified tokens by hash, so a token seen before costs a lookup instead of an RSA check. Bounded
//! (emptied when full: the next request of each client re-verifies once) and aged (an entry older
//! than the TTL counts as absent, so a key withdrawn from a JWKS stops counting within it).

use super::{TokenHash, TokenHashing, Verified};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tessera_store::BoundedMap;

pub struct VerifiedCache {
    entries: BoundedMap<TokenHash, (Instant, Arc<Verified>), TokenHashing>,
    ttl: Duration,
}

impl VerifiedCache {
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Self { entries: BoundedMap::new(capacity), ttl }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The entry and when it was verified.
    pub fn get(&self, hash: &TokenHash) -> Option<(Arc<Verified>, Instant)> {
        self.entries.read(hash, |(at, verified)| (at.elapsed() < self.ttl).then(|| (verified.clone(), *at)))
    }

    /// Returns when the entry counts from.
    pub fn insert(&self, hash: TokenHash, verified: Arc<Verified>) -> Instant {
        let at = Instant::now();
        self.entries.insert(hash, (at, verified));
        at
    }
}
