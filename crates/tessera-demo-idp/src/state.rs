//! The provider's state: its key, clients and users, and the short-lived things it hands out.

use crate::directory::{self, Client, DemoUser};
use crate::{BindError, Options};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tessera_auth::SigningKeys;

/// How long a login page may wait for a click.
pub const INTERACTION_TTL: Duration = Duration::from_secs(600);
/// Authorization codes are short-lived (Auth0 uses 60 s too).
pub const CODE_TTL: Duration = Duration::from_secs(60);
/// Refresh tokens outlive any demo session.
pub const REFRESH_TTL: Duration = Duration::from_secs(30 * 86_400);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    Code,
    IdToken,
}

/// A validated `/authorize` request, waiting for the user (and then bound to the code).
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub response_type: ResponseType,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub scope: String,
    pub code_challenge: Option<String>,
}

impl AuthRequest {
    pub fn has_scope(&self, scope: &str) -> bool {
        has_scope(&self.scope, scope)
    }
}

pub fn has_scope(scopes: &str, scope: &str) -> bool {
    scopes.split_whitespace().any(|s| s == scope)
}

/// Who was signed in, for which client and scope (behind access and refresh tokens).
#[derive(Debug, Clone)]
pub struct Session {
    pub client_id: String,
    pub user_id: String,
    pub scope: String,
}

/// A one-time code: the request it answers and who signed in.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub request: AuthRequest,
    pub user_id: String,
}

/// Values that expire; expired entries are dropped on every insert, so memory stays bounded.
pub struct Expiring<T> {
    entries: Mutex<HashMap<String, (Instant, T)>>,
}

impl<T: Clone> Expiring<T> {
    fn new() -> Self {
        Self { entries: Mutex::new(HashMap::new()) }
    }

    pub fn insert(&self, key: String, value: T, ttl: Duration) {
        let now = Instant::now();
        let mut entries = self.entries.lock().expect("state lock");
        entries.retain(|_, (expires, _)| *expires > now);
        entries.insert(key, (now + ttl, value));
    }

    /// Removes and returns the value: a second call with the same key finds nothing.
    pub fn take(&self, key: &str) -> Option<T> {
        let (expires, value) = self.entries.lock().expect("state lock").remove(key)?;
        (expires > Instant::now()).then_some(value)
    }

    pub fn get(&self, key: &str) -> Option<T> {
        let entries = self.entries.lock().expect("state lock");
        entries.get(key).filter(|(expires, _)| *expires > Instant::now()).map(|(_, v)| v.clone())
    }
}

pub struct State {
    pub issuer: String,
    pub port: u16,
    pub keys: SigningKeys,
    pub token_ttl: Duration,
    pub origins: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub clients: Vec<Client>,
    pub users: Vec<DemoUser>,
    pub interactions: Expiring<AuthRequest>,
    pub codes: Expiring<CodeGrant>,
    pub access_tokens: Expiring<Session>,
    pub refresh_tokens: Expiring<Session>,
}

impl State {
    pub fn new(options: &Options, port: u16) -> Result<Self, BindError> {
        let keys =
            SigningKeys::ephemeral(&format!("demo-{}", crate::crypto::random_token(6))).map_err(|_| BindError::Key)?;
        let origins: Vec<String> =
            options.tessera_origins.iter().map(|o| o.trim_end_matches('/').to_string()).collect();
        Ok(Self {
            issuer: format!("http://{}:{port}/", options.address.ip()),
            port,
            keys,
            token_ttl: options.id_token_ttl,
            redirect_uris: directory::redirect_uris(&origins),
            origins,
            clients: directory::clients(crate::crypto::random_token(32)),
            users: directory::demo_users(&options.principal_domain),
            interactions: Expiring::new(),
            codes: Expiring::new(),
            access_tokens: Expiring::new(),
            refresh_tokens: Expiring::new(),
        })
    }

    pub fn client(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.id == id)
    }

    pub fn user(&self, id: &str) -> Option<&DemoUser> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn confidential_secret(&self) -> &str {
        self.clients.iter().find_map(|c| c.secret.as_deref()).expect("the confidential client has a secret")
    }

    pub fn cors_origins(&self) -> Vec<http::HeaderValue> {
        self.origins.iter().filter_map(|o| http::HeaderValue::from_str(o).ok()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taken_values_are_gone_and_expired_ones_never_come_back() {
        let map = Expiring::new();
        map.insert("a".into(), 1, Duration::from_secs(60));
        assert_eq!(map.get("a"), Some(1));
        assert_eq!(map.take("a"), Some(1));
        assert_eq!(map.take("a"), None);
        map.insert("b".into(), 2, Duration::ZERO);
        assert_eq!(map.take("b"), None);
    }
}
