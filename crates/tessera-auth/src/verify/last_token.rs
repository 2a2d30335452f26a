//! The last token verified on one connection. Clients keep a connection open and send the same
//! token with every request on it (the ingestion client's session, a browser's API calls), so a
//! request whose token is the connection's last one skips hashing the token and the cache lookup.
//! Never shared between connections; the comparison takes the same time wherever the tokens
//! differ, as a proxy may carry several clients' requests on one connection.

use super::Verified;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct LastToken(Mutex<Option<Remembered>>);

struct Remembered {
    token: String,
    verified: Arc<Verified>,
    /// When the token was verified: the memo ages with the verified-token cache's entry.
    verified_at: Instant,
}

impl LastToken {
    /// The verification of `token` if it is this connection's last one and younger than `ttl`.
    pub(super) fn recall(&self, token: &str, ttl: Duration) -> Option<Arc<Verified>> {
        let last = self.0.lock().ok()?;
        let last = last.as_ref()?;
        let same = aws_lc_rs::constant_time::verify_slices_are_equal(last.token.as_bytes(), token.as_bytes()).is_ok();
        (same && last.verified_at.elapsed() < ttl).then(|| last.verified.clone())
    }

    pub(super) fn remember(&self, token: &str, verified: Arc<Verified>, verified_at: Instant) {
        let Ok(mut last) = self.0.lock() else { return };
        match last.as_mut() {
            // The buffer is reused: a client that changes its token each request allocates nothing here.
            Some(last) => {
                last.token.clear();
                last.token.push_str(token);
                last.verified = verified;
                last.verified_at = verified_at;
            }
            None => *last = Some(Remembered { token: token.to_owned(), verified, verified_at }),
        }
    }
}
