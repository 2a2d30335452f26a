//! Revocation in memory: which bot token is current, which personal access tokens are live, which
//! users are gone. Kept current by the store's change feed on every replica, so a check is a hash
//! lookup, never a database query.

use super::Verified;
use super::error::AuthError;
use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

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

#[derive(Debug, Default)]
pub struct RevocationState {
    state: RwLock<State>,
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
