//! Revocation in memory: which bot token is current, which personal access tokens are live, which
//! users are gone. Kept current by the store's change feed on every replica, so a check is a hash
//! lookup, never a database query.
//!
//! The feed is polled, so a token made a moment ago on another replica may not be known here yet.
//! Before refusing an own token for a reason that could be that (revoked, superseded, user gone),
//! the verifier asks the state to catch up: one query for the feed's newest change and, if it
//! moved, a reload. Concurrent misses share one catch-up, so tokens that stay refused cost at most
//! one small query at a time, never one per request.

use super::Verified;
use super::error::AuthError;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{OnceLock, RwLock, Weak};
use std::time::Instant;

/// What brings the state up to the database's (the accounts service, which follows the feed).
pub trait CatchUp: Send + Sync {
    /// Reloads the state if the change feed moved since it was last loaded.
    fn catch_up(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// SHA-256 of a token: what is stored and compared, never the token itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    pub fn of(token: &str) -> Self {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(digest.as_ref());
        Self(bytes)
    }

    pub fn to_hex(self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, chunk) in text.as_bytes().chunks(2).enumerate() {
            bytes[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
        }
        Some(Self(bytes))
    }
}

#[derive(Debug, Default)]
struct State {
    /// Bot name → hash of its one valid token.
    bot_tokens: HashMap<String, TokenHash>,
    /// Live personal access tokens.
    personal_tokens: HashSet<TokenHash>,
    /// Users whose Tessera tokens no longer count (deleted).
    known_users: Option<HashSet<String>>,
}

#[derive(Default)]
pub struct RevocationState {
    state: RwLock<State>,
    source: OnceLock<Weak<dyn CatchUp>>,
    /// When the last catch-up began; held while one runs, so concurrent misses wait for it.
    last_catch_up: tokio::sync::Mutex<Option<Instant>>,
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
    ) {
        *self.state.write().expect("revocation lock") = State { bot_tokens, personal_tokens, known_users: Some(users) };
    }

    /// Where to catch up from when a token is not known yet (set once, at wiring).
    pub fn set_source(&self, source: Weak<dyn CatchUp>) {
        let _ = self.source.set(source);
    }

    /// [`Self::check`], and for a refusal that a newer state could lift, the same check after
    /// catching up with the database.
    pub async fn check_current(&self, verified: &Verified) -> Result<(), AuthError> {
        match self.check(verified) {
            Err(refusal) if refusal.may_be_stale() => {
                self.catch_up(Instant::now()).await;
                self.check(verified)
            }
            other => other,
        }
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
