//! The last token verified on one connection. Clients keep a connection open and send the same
//! token with every request on it (the ingestion client's session, a browser's API calls), so a
//! request whose token is the connection's last one skips hashing the token and the cache lookup.
//! Never shared between connections; the comparison takes the same time wherever the tokens
//! differ, as a proxy may carry several clients' requests on one connection.

use super::Verified;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Whether two byte strings are equal, in a time that depends on their length only (never on where
/// they differ). Eight bytes at a time: a token is ~700 bytes and this runs on every request of a
/// connection, where aws-lc's byte-at-a-time comparison cost ~50 ns.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let word = |chunk: &[u8]| {
        let mut bytes = [0u8; 8];
        bytes[..chunk.len()].copy_from_slice(chunk);
        u64::from_ne_bytes(bytes)
    };
    let difference = a.chunks(8).zip(b.chunks(8)).fold(0u64, |acc, (x, y)| acc | (word(x) ^ word(y)));
    // Kept opaque so the compiler cannot turn the fold into an early exit.
    std::hint::black_box(difference) == 0
}

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
        (same_bytes(last.token.as_bytes(), token.as_bytes()) && last.verified_at.elapsed() < ttl)
            .then(|| last.verified.clone())
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

#[cfg(test)]
mod tests {
    use super::same_bytes;

    #[test]
    fn equal_only_when_every_byte_is() {
        let token = "x".repeat(701);
        assert!(same_bytes(token.as_bytes(), token.clone().as_bytes()));
        for at in [0, 7, 8, 350, 699, 700] {
            let mut other = token.clone().into_bytes();
            other[at] = b'y';
            assert!(!same_bytes(token.as_bytes(), &other), "differs at {at}");
        }
        assert!(!same_bytes(token.as_bytes(), &token.as_bytes()[..700]), "a prefix");
        assert!(same_bytes(b"", b""));
    }
}
