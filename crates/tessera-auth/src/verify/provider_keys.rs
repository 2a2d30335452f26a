//! The identity provider's signing keys, fetched from each `AUTHENTICATION_PUBLIC_KEYS` URL: at
//! start, in the background, and when a token names an unknown `kid` — at most once per URL per
//! few seconds and one fetch at a time, so a flood of random `kid`s cannot hammer the provider.
//! Keys are kept when a refresh fails: a provider outage must not log anyone out.

use super::algorithm::Pinned;
use super::error::AuthError;
use super::jwk::{ProviderKey, parse_jwks};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The shortest time between two fetches of one URL triggered by unknown `kid`s.
pub const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const READ_TIMEOUT: Duration = Duration::from_secs(5);

pub struct JwksSource {
    url: String,
    pinned: Pinned,
    client: reqwest::Client,
    keys: RwLock<Arc<Vec<Arc<ProviderKey>>>>,
    /// Held while fetching (single flight); remembers when the last attempt started.
    fetch_gate: tokio::sync::Mutex<Option<Instant>>,
    fetches: AtomicU64,
    /// Set once a fetch succeeded (even with an empty key set).
    ever_fetched: std::sync::atomic::AtomicBool,
}

impl JwksSource {
    fn new(url: String, client: reqwest::Client, pinned: Pinned) -> Self {
        Self {
            url,
            pinned,
            client,
            keys: RwLock::default(),
            fetch_gate: tokio::sync::Mutex::new(None),
            fetches: AtomicU64::new(0),
            ever_fetched: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many HTTP fetches this source has made.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn current(&self) -> Arc<Vec<Arc<ProviderKey>>> {
        self.keys.read().expect("keys lock").clone()
    }

    /// Fetches now (waiting for a fetch already running). Keeps the old keys on failure.
    pub async fn refresh(&self) -> Result<usize, String> {
        let mut last = self.fetch_gate.lock().await;
        *last = Some(Instant::now());
        self.fetch_locked().await
    }

    /// Fetches unless another fetch ran within [`MIN_REFETCH_INTERVAL`]; returns whether it fetched.
    async fn refresh_if_due(&self) -> bool {
        let mut last = self.fetch_gate.lock().await;
        if last.is_some_and(|t| t.elapsed() < MIN_REFETCH_INTERVAL) {
            return false;
        }
        *last = Some(Instant::now());
        let _ = self.fetch_locked().await;
        true
    }

    async fn fetch_locked(&self) -> Result<usize, String> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let result = async {
            let response = self.client.get(&self.url).send().await.map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("HTTP {}", response.status()));
            }
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            parse_jwks(&body, self.pinned)
        }
        .await;
        match result {
            Ok(keys) => {
                let count = keys.len();
                let kids: Vec<_> = keys.iter().map(|k| k.kid.clone().unwrap_or_default()).collect();
                tracing::info!(url = %self.url, ?kids, "JWKS fetched");
                *self.keys.write().expect("keys lock") = Arc::new(keys.into_iter().map(Arc::new).collect());
                self.ever_fetched.store(true, Ordering::Relaxed);
                Ok(count)
            }
            Err(error) => {
                tracing::warn!(url = %self.url, %error, kept = self.current().len(), "JWKS fetch failed; keeping the keys we had");
                Err(error)
            }
        }
    }
}

/// Every configured provider JWKS.
#[derive(Clone)]
pub struct ProviderKeys {
    sources: Arc<Vec<Arc<JwksSource>>>,
}

impl ProviderKeys {
    /// Sources for the given URLs, leaving out Tessera's own JWKS (its key is used in-process).
    pub(crate) fn new(urls: &[String], pinned: Pinned) -> Self {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(READ_TIMEOUT)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .expect("HTTP client");
        let sources = urls
            .iter()
            .filter(|u| !is_own_jwks(u))
            .map(|u| Arc::new(JwksSource::new(u.clone(), client.clone(), pinned)))
            .collect();
        Self { sources: Arc::new(sources) }
    }

    pub fn sources(&self) -> &[Arc<JwksSource>] {
        &self.sources
    }

    /// Fetches every source once (at start).
    pub async fn refresh_all(&self) {
        for source in self.sources.iter() {
            let _ = source.refresh().await;
        }
    }

    /// Refreshes every source every `period`, for as long as the returned task runs.
    pub fn spawn_background_refresh(&self, period: Duration) -> tokio::task::JoinHandle<()> {
        let keys = self.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(period);
            ticker.tick().await;
            loop {
                ticker.tick().await;
                keys.refresh_all().await;
            }
        })
    }

    fn find(&self, kid: Option<&str>) -> Option<Arc<ProviderKey>> {
        let all: Vec<Arc<ProviderKey>> =
            self.sources.iter().flat_map(|s| s.current().iter().cloned().collect::<Vec<_>>()).collect();
        match kid {
            Some(kid) => all.into_iter().find(|k| k.kid.as_deref() == Some(kid)),
            // No kid: acceptable only when exactly one key could have signed it.
            None if all.len() == 1 => all.into_iter().next(),
            None => None,
        }
    }

    /// The key for `kid`, refetching once if it is unknown.
    pub async fn resolve(&self, kid: Option<&str>) -> Result<Arc<ProviderKey>, AuthError> {
        if let Some(key) = self.find(kid) {
            return Ok(key);
        }
        let Some(kid) = kid else { return Err(AuthError::KeyIdMissing) };
        for source in self.sources.iter() {
            if source.refresh_if_due().await
                && let Some(key) = self.find(Some(kid))
            {
                return Ok(key);
            }
        }
        if let Some(key) = self.find(Some(kid)) {
            return Ok(key);
        }
        // Only when no provider has ever answered is the outage to blame, not the token.
        let never_answered = self.sources.iter().all(|s| !s.ever_fetched.load(Ordering::Relaxed));
        if never_answered && !self.sources.is_empty() {
            return Err(AuthError::KeysUnavailable);
        }
        Err(AuthError::KeyUnknown(kid.chars().take(64).collect()))
    }
}

/// Tessera's own JWKS path: never fetched over HTTP.
pub fn is_own_jwks(url: &str) -> bool {
    url.split(['?', '#']).next().unwrap_or(url).trim_end_matches('/').ends_with("/api/v1/system/config/jwks")
}
