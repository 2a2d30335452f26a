//! The last token verified on one connection. Clients keep a connection open and send the same
//! token with every request on it (the ingestion client's session, a browser's API calls), so a
//! request whose token is the connection's last one skips hashing the token and the cache lookup,
//! and, while the revocation state is the one it was last checked against, the revocation check.
//! Never shared between connections; the comparison takes the same time wherever the tokens
//! differ, as a proxy may carry several clients' requests on one connection.

use super::{Principal, Verified};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tessera_store::clock::coarse_monotonic;

#[derive(Default)]
pub struct LastToken(Mutex<Option<Remembered>>);

struct Remembered {
    token: String,
    verified: Arc<Verified>,
    /// Until when (the coarse monotonic clock) the memo counts: the verified-token cache entry's
    /// age limit, so the memo ages with it.
    fresh_until: Duration,
    /// The revocation state's generation the token was last found valid in (0: none yet).
    valid_in: u64,
}

/// What a request needs of a remembered verification.
pub(super) struct Recalled {
    pub principal: Arc<Principal>,
    pub expires_at: Option<i64>,
    /// The verification to check for revocation again: the state changed since it last passed.
    pub recheck: Option<Arc<Verified>>,
}

impl LastToken {
    /// The verification of `token` (the bytes of the header after `Bearer `) if it is this
    /// connection's last one and still fresh; `generation` is the revocation state's now. Only
    /// the principal is copied out when the token passed in this generation (each reference
    /// count is an atomic operation, ~8 ns on the benchmark's host).
    pub(super) fn recall(&self, token: &[u8], generation: u64) -> Option<Recalled> {
        let last = self.0.lock().ok()?;
        let last = last.as_ref()?;
        let same = aws_lc_rs::constant_time::verify_slices_are_equal(last.token.as_bytes(), token).is_ok();
        (same && coarse_monotonic() < last.fresh_until).then(|| Recalled {
            principal: last.verified.principal.clone(),
            expires_at: last.verified.expires_at,
            recheck: (last.valid_in == 0 || last.valid_in != generation).then(|| last.verified.clone()),
        })
    }

    /// Remembers `token`, verified at `verified_at` and counting for `ttl` from then.
    pub(super) fn remember(&self, token: &str, verified: Arc<Verified>, verified_at: Instant, ttl: Duration) {
        let fresh_until = coarse_monotonic() + ttl.saturating_sub(verified_at.elapsed());
        let Ok(mut last) = self.0.lock() else { return };
        match last.as_mut() {
            // The buffer is reused: a client that changes its token each request allocates nothing here.
            Some(last) => {
                last.token.clear();
                last.token.push_str(token);
                last.verified = verified;
                last.fresh_until = fresh_until;
                last.valid_in = 0;
            }
            None => *last = Some(Remembered { token: token.to_owned(), verified, fresh_until, valid_in: 0 }),
        }
    }

    /// Notes that the remembered `verified` passed the revocation check in `generation`.
    pub(super) fn valid_in(&self, verified: &Arc<Verified>, generation: u64) {
        let Ok(mut last) = self.0.lock() else { return };
        if let Some(last) = last.as_mut().filter(|last| Arc::ptr_eq(&last.verified, verified)) {
            last.valid_in = generation;
        }
    }
}
