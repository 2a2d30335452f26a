//! Revocation in memory: which bot token is current, which personal access tokens are live, which
//! users are gone. Kept current by the store's change feed on every replica, so a check is a hash
//! lookup, never a database query.
//!
//! The feed is polled, so a token made a moment ago on another replica may not be known here yet.
//! Before refusing an own token for a reason that could be that (revoked, superseded, user gone),
//! and only when the token was issued after (or just before) the state was loaded, the verifier
//! asks the state to catch up: one query for the feed's newest change and, if it moved, a reload.
//! A token issued before the state was loaded is in it or truly gone: refused without a query, so
//! revoked tokens cost nothing (bench/soak.py measured it); concurrent misses share one catch-up.

use super::error::AuthError;
use super::{TokenHash, Verified};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{OnceLock, RwLock, Weak};
use std::time::Instant;

/// Replicas' clocks and `iat`'s whole seconds: a token issued up to this long before the state was
/// loaded may still be missing from it.
const ISSUED_MARGIN_SECONDS: i64 = 5;

/// What brings the state up to the database's (the accounts service, which follows the feed).
pub trait CatchUp: Send + Sync {
    /// Reloads the state if the change feed moved since it was last loaded.
    fn catch_up(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

#[derive(Debug, Default)]
struct State {
    /// Bot name → hash of its one valid token.
    bot_tokens: HashMap<String, TokenHash>,
    /// Live personal access tokens.
    personal_tokens: HashSet<TokenHash>,
    /// Users whose Tessera tokens no longer count (deleted).
    known_users: Option<HashSet<String>>,
    /// Access tokens signed out before they expire (password sign-in's logout).
    signed_out: HashSet<TokenHash>,
}

#[derive(Default)]
pub struct RevocationState {
    state: RwLock<State>,
    source: OnceLock<Weak<dyn CatchUp>>,
    /// When the last catch-up began; held while one runs, so concurrent misses wait for it.
    last_catch_up: tokio::sync::Mutex<Option<Instant>>,
    /// When the state was last replaced (seconds since the epoch).
    loaded_at: AtomicI64,
    /// Counts replacements (from 1), so a check that passed can be known to still hold.
    generation: AtomicU64,
}

impl std::fmt::Debug for RevocationState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevocationState").field("state", &self.state).finish_non_exhaustive()
    }
}

impl RevocationState {
    /// Replaces the whole picture (loaded from the store at start and on every change).
    pub fn replace(
        &self,
        bot_tokens: HashMap<String, TokenHash>,
        personal_tokens: HashSet<TokenHash>,
        users: HashSet<String>,
        signed_out: HashSet<TokenHash>,
    ) {
        *self.state.write().expect("revocation lock") =
            State { bot_tokens, personal_tokens, known_users: Some(users), signed_out };
        self.loaded_at.store(super::unix_now(), Ordering::SeqCst);
        // After the state: a reader that sees the new generation checks against the new state.
        self.generation.fetch_add(1, Ordering::Release);
    }

    /// Which replacement of the state is current (0 before the first). Read before a check: a
    /// check that passed keeps holding while this stays the same.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Where to catch up from when a token is not known yet (set once, at wiring).
    pub fn set_source(&self, source: Weak<dyn CatchUp>) {
        let _ = self.source.set(source);
    }

    /// [`Self::check`], and for a refusal that a newer state could lift, the same check after
    /// catching up with the database.
    pub async fn check_current(&self, verified: &Verified) -> Result<(), AuthError> {
        match self.check(verified) {
            Err(refusal) if refusal.may_be_stale() && self.issued_since_loaded(verified) => {
                self.catch_up(Instant::now()).await;
                self.check(verified)
            }
            other => other,
        }
    }

    /// Whether the token may be newer than the state (issued after, or just before, its load).
    fn issued_since_loaded(&self, verified: &Verified) -> bool {
        let loaded_at = self.loaded_at.load(Ordering::SeqCst);
        verified.issued_at.is_some_and(|iat| iat >= loaded_at - ISSUED_MARGIN_SECONDS)
    }

    /// Catches up unless a catch-up began after `missed_at` (its answer is new enough).
    async fn catch_up(&self, missed_at: Instant) {
        let Some(source) = self.source.get().and_then(Weak::upgrade) else { return };
        let mut last = self.last_catch_up.lock().await;
        if last.is_some_and(|began| began > missed_at) {
            return;
        }
        *last = Some(Instant::now());
        source.catch_up().await;
    }

    /// Refuses a Tessera token that was regenerated, revoked, or whose user was deleted.
    pub fn check(&self, verified: &Verified) -> Result<(), AuthError> {
        if !verified.own {
            return Ok(());
        }
        let state = self.state.read().expect("revocation lock");
        if state.signed_out.contains(&verified.hash) {
            return Err(AuthError::SignedOut);
        }
        let name = &verified.principal.name;
        if verified.principal.is_bot {
            return match state.bot_tokens.get(name) {
                Some(current) if *current == verified.hash => Ok(()),
                _ => Err(AuthError::BotTokenSuperseded),
            };
        }
        if verified.token_type == Some(crate::TokenType::PersonalAccess)
            && !state.personal_tokens.contains(&verified.hash)
        {
            return Err(AuthError::PersonalTokenRevoked);
        }
        if state.known_users.as_ref().is_some_and(|users| !users.contains(name)) {
            return Err(AuthError::UserGone);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::principal::Principal;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    /// Counts catch-ups; the first one learns the fresh personal token.
    struct Feed {
        calls: AtomicUsize,
        state: Arc<RevocationState>,
        fresh: TokenHash,
    }

    impl CatchUp for Feed {
        fn catch_up(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
            Box::pin(async move {
                self.calls.fetch_add(1, Ordering::SeqCst);
                let users = HashSet::from(["alice".to_string()]);
                self.state.replace(HashMap::new(), HashSet::from([self.fresh]), users, HashSet::new());
            })
        }
    }

    fn personal_token(hash: TokenHash, iat: i64) -> Verified {
        let principal = Principal {
            name: "alice".into(),
            email: "alice@example.com".into(),
            is_bot: false,
            provider_roles: None,
            account: None,
        };
        Verified {
            principal: Arc::new(principal),
            own: true,
            token_type: Some(crate::TokenType::PersonalAccess),
            expires_at: None,
            issued_at: Some(iat),
            hash,
        }
    }

    #[test]
    fn every_replacement_is_a_new_generation() {
        let state = RevocationState::default();
        assert_eq!(state.generation(), 0, "none loaded yet");
        for expected in 1..=2 {
            state.replace(HashMap::new(), HashSet::new(), HashSet::new(), HashSet::new());
            assert_eq!(state.generation(), expected);
        }
    }

    #[tokio::test]
    async fn only_a_token_issued_since_the_load_makes_it_catch_up() {
        let state = Arc::new(RevocationState::default());
        state.replace(HashMap::new(), HashSet::new(), HashSet::from(["alice".to_string()]), HashSet::new());
        let fresh = TokenHash::of("fresh");
        let feed = Arc::new(Feed { calls: AtomicUsize::new(0), state: state.clone(), fresh });
        let source: Weak<dyn CatchUp> = Arc::downgrade(&feed) as Weak<dyn CatchUp>;
        state.set_source(source);
        let now = crate::verify::unix_now();

        // Issued a minute before the state was loaded and not in it: revoked, no query.
        let old = personal_token(TokenHash::of("old"), now - 60);
        assert_eq!(state.check_current(&old).await, Err(AuthError::PersonalTokenRevoked));
        assert_eq!(feed.calls.load(Ordering::SeqCst), 0);

        // Issued now on another replica: one catch-up, then accepted.
        assert_eq!(state.check_current(&personal_token(fresh, now)).await, Ok(()));
        assert_eq!(feed.calls.load(Ordering::SeqCst), 1);
    }
}
