//! The identity provider's origins the web UI's browser talks to (the public client: discovery,
//! authorize, token, revocation, userinfo, end-session), read from the provider's discovery
//! document, so the UI's Content Security Policy names exactly them. Google and Cognito keep
//! their token endpoints on other origins than the authority; until the document has been read,
//! the authority's origin stands in.

use std::sync::{Arc, RwLock};
use std::time::Duration;
use tessera_config::{ClientType, Config};

/// The discovery fields whose endpoints the browser calls or frames.
const BROWSER_ENDPOINTS: &[&str] =
    &["authorization_endpoint", "token_endpoint", "revocation_endpoint", "userinfo_endpoint", "end_session_endpoint"];
const RETRY: Duration = Duration::from_secs(10);
const REFRESH: Duration = Duration::from_secs(3600);

pub struct ProviderOrigins {
    /// `None`: no public OpenID Connect client, nothing to read.
    discovery_url: Option<String>,
    fallback: Vec<String>,
    found: RwLock<Option<Arc<Vec<String>>>>,
}

impl ProviderOrigins {
    pub fn new(config: &Config) -> Self {
        let authn = &config.authentication;
        let public_oidc = tessera_config::is_oidc_provider(&authn.provider) && authn.client_type == ClientType::Public;
        let discovery_url = public_oidc.then(|| authn.discovery_url());
        let fallback = origin_of(&authn.authority).into_iter().collect();
        Self { discovery_url, fallback, found: RwLock::new(None) }
    }

    /// The origins to allow: the discovery document's, or the authority's until it has been read.
    pub fn current(&self) -> Arc<Vec<String>> {
        match self.found.read().expect("the lock is never poisoned").as_ref() {
            Some(found) => found.clone(),
            None => Arc::new(self.fallback.clone()),
        }
    }

    /// Reads the document now, again every 10 s until it succeeds, then hourly.
    pub fn spawn_refresh(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let Some(url) = self.discovery_url.clone() else { return };
            let http = crate::provider_http::client();
            loop {
                let pause = match read(&http, &url).await {
                    Ok(origins) => {
                        *self.found.write().expect("the lock is never poisoned") = Some(Arc::new(origins));
                        REFRESH
                    }
                    Err(error) => {
                        tracing::warn!(%url, %error, "the identity provider's discovery document could not be read; \
                            the web UI may reach only the authority's origin until it can");
                        RETRY
                    }
                };
                tokio::time::sleep(pause).await;
            }
        })
    }
}

async fn read(http: &reqwest::Client, url: &str) -> Result<Vec<String>, String> {
    let response = http.get(url).send().await.map_err(|e| e.without_url().to_string())?;
    if !response.status().is_success() {
        return Err(format!("HTTP {}", response.status().as_u16()));
    }
    let document: serde_json::Value = response.json().await.map_err(|_| "not a JSON document".to_string())?;
    Ok(origins_named(url, &document))
}

/// The discovery URL's origin and those of the browser's endpoints, each once, in order.
fn origins_named(discovery_url: &str, document: &serde_json::Value) -> Vec<String> {
    let mut origins = Vec::new();
    let named = BROWSER_ENDPOINTS.iter().filter_map(|field| document.get(*field).and_then(|v| v.as_str()));
    for origin in std::iter::once(discovery_url).chain(named).filter_map(origin_of) {
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    origins
}

/// `scheme://host[:port]` of an http(s) URL with nothing that could end a policy directive.
pub fn origin_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    let origin = url.origin().ascii_serialization();
    origin.bytes().all(|b| b.is_ascii_graphic() && b != b';' && b != b',' && b != b'\'').then_some(origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn origins() {
        assert_eq!(origin_of("https://dev-x.us.auth0.com/").as_deref(), Some("https://dev-x.us.auth0.com"));
        assert_eq!(origin_of("http://127.0.0.1:4000/tenant/").as_deref(), Some("http://127.0.0.1:4000"));
        assert_eq!(origin_of("HTTPS://Example.COM:443").as_deref(), Some("https://example.com"));
        for bad in ["", "dev-x.us.auth0.com", "javascript:alert(1)", "ftp://x.example", "data:text/html,x"] {
            assert_eq!(origin_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_origins_discovery_names_for_the_browser() {
        let google = json!({
            "issuer": "https://accounts.google.com",
            "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
            "token_endpoint": "https://oauth2.googleapis.com/token",
            "userinfo_endpoint": "https://openidconnect.googleapis.com/v1/userinfo",
            "revocation_endpoint": "https://oauth2.googleapis.com/revoke",
            "jwks_uri": "https://www.googleapis.com/oauth2/v3/certs",
        });
        assert_eq!(
            origins_named("https://accounts.google.com/.well-known/openid-configuration", &google),
            ["https://accounts.google.com", "https://oauth2.googleapis.com", "https://openidconnect.googleapis.com"]
        );
        let hostile = json!({"token_endpoint": "https://a.example; script-src *", "userinfo_endpoint": "javascript:x"});
        assert_eq!(origins_named("https://idp.example/x", &hostile), ["https://idp.example"]);
    }
}
