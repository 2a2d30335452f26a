//! The provider's side of the code flow: its discovery document (fetched on first use, kept for an
//! hour, the old copy kept when a refetch fails) and its token endpoint.

use super::SignInError;
use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tessera_config::OidcConfig;

const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// The fields of `.well-known/openid-configuration` Tessera uses.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// Google and Cognito refuse a scope they do not list here (`offline_access` included).
    #[serde(default)]
    pub scopes_supported: Option<Vec<String>>,
}

/// What a token endpoint answers (both grants).
#[derive(Debug, Deserialize)]
pub struct TokenResponse {
    pub access_token: Option<String>,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
    error_description: Option<String>,
}

pub struct Provider {
    http: reqwest::Client,
    discovery_uri: String,
    client_id: String,
    client_secret: String,
    /// `client_secret_basic` (HTTP Basic) or `client_secret_post` (form fields).
    basic_auth: bool,
    metadata: tokio::sync::Mutex<Option<(Instant, Arc<ProviderMetadata>)>>,
}

impl Provider {
    pub fn new(oidc: &OidcConfig) -> Self {
        Self {
            http: crate::provider_http::client(),
            discovery_uri: oidc.discovery_uri.clone(),
            client_id: oidc.client_id.clone(),
            client_secret: oidc.client_secret.expose().to_string(),
            basic_auth: oidc.client_auth_method == "client_secret_basic",
            metadata: tokio::sync::Mutex::new(None),
        }
    }

    /// The discovery document, fetched at most once an hour; a failed refetch keeps the last one.
    pub async fn metadata(&self) -> Result<Arc<ProviderMetadata>, SignInError> {
        let mut cached = self.metadata.lock().await;
        if let Some((at, metadata)) = cached.as_ref()
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(metadata.clone());
        }
        match self.fetch_metadata().await {
            Ok(fresh) => {
                let fresh = Arc::new(fresh);
                *cached = Some((Instant::now(), fresh.clone()));
                Ok(fresh)
            }
            Err(error) => match cached.as_ref() {
                Some((_, stale)) => {
                    tracing::warn!(%error, "discovery refetch failed; keeping the last document");
                    Ok(stale.clone())
                }
                None => Err(error),
            },
        }
    }

    async fn fetch_metadata(&self) -> Result<ProviderMetadata, SignInError> {
        let response = self.http.get(&self.discovery_uri).send().await.map_err(|e| unreachable(&e))?;
        if !response.status().is_success() {
            return Err(SignInError::DiscoveryInvalid(format!(
                "{} answered HTTP {}; check OIDC_DISCOVERY_URI",
                self.discovery_uri,
                response.status().as_u16()
            )));
        }
        let metadata: ProviderMetadata = response.json().await.map_err(|e| {
            SignInError::DiscoveryInvalid(format!("{} is not a discovery document ({e})", self.discovery_uri))
        })?;
        self.check(&metadata)?;
        Ok(metadata)
    }

    /// The document must describe the provider it was fetched from (OpenID RP conformance:
    /// discovery issuer mismatch), and must accept our way of authenticating.
    fn check(&self, metadata: &ProviderMetadata) -> Result<(), SignInError> {
        let base = self.discovery_uri.trim_end_matches("/.well-known/openid-configuration");
        // Entra ID's multi-tenant documents name `…/{tenantid}/v2.0`; the verifier's issuer rule
        // then decides which tenants' tokens count.
        let multi_tenant = metadata.issuer.contains("{tenantid}");
        if !multi_tenant && metadata.issuer.trim_end_matches('/') != base.trim_end_matches('/') {
            return Err(SignInError::DiscoveryInvalid(format!(
                "it names issuer {:?}, but was fetched from {base:?}; check OIDC_DISCOVERY_URI",
                metadata.issuer
            )));
        }
        let method = if self.basic_auth { "client_secret_basic" } else { "client_secret_post" };
        if let Some(methods) = &metadata.token_endpoint_auth_methods_supported
            && !methods.iter().any(|m| m == method)
        {
            return Err(SignInError::DiscoveryInvalid(format!(
                "Preferred authentication method ({method}) not supported by provider according to provider metadata \
                 ({}); set OIDC_CLIENT_AUTH_METHOD to one of them",
                methods.join(", ")
            )));
        }
        Ok(())
    }

    /// `grant_type=authorization_code`.
    pub async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
    ) -> Result<TokenResponse, SignInError> {
        let mut form = vec![("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect_uri)];
        if let Some(verifier) = verifier {
            form.push(("code_verifier", verifier));
        }
        self.token_request(form).await
    }

    /// `grant_type=refresh_token`.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse, SignInError> {
        self.token_request(vec![("grant_type", "refresh_token"), ("refresh_token", refresh_token)]).await
    }

    /// Best effort (RFC 7009): a failure is logged, never shown, since the session ends anyway.
    pub async fn revoke(&self, refresh_token: &str) {
        let Ok(metadata) = self.metadata().await else { return };
        let Some(endpoint) = &metadata.revocation_endpoint else { return };
        let form = vec![("token", refresh_token), ("token_type_hint", "refresh_token")];
        match self.authenticated(self.http.post(endpoint), form).send().await {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => tracing::info!(status = r.status().as_u16(), "refresh token revocation refused"),
            Err(e) => tracing::info!(error = %e, "refresh token revocation failed"),
        }
    }

    async fn token_request(&self, form: Vec<(&str, &str)>) -> Result<TokenResponse, SignInError> {
        let metadata = self.metadata().await?;
        let request = self.authenticated(self.http.post(&metadata.token_endpoint), form);
        let response = request.send().await.map_err(|e| unreachable(&e))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| unreachable(&e))?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&body).map_err(|_| SignInError::TokenEndpointFailed(status));
        }
        match serde_json::from_slice::<ErrorResponse>(&body) {
            Ok(e) if status < 500 => {
                Err(SignInError::TokenRefused { error: e.error, description: e.error_description })
            }
            _ => Err(SignInError::TokenEndpointFailed(status)),
        }
    }

    fn authenticated<'a>(
        &'a self,
        request: reqwest::RequestBuilder,
        mut form: Vec<(&'a str, &'a str)>,
    ) -> reqwest::RequestBuilder {
        if self.basic_auth {
            // RFC 6749 §2.3.1: id and secret are form-encoded before they go into Basic.
            let user = form_encode(&self.client_id);
            let secret = form_encode(&self.client_secret);
            request.basic_auth(user, Some(secret)).form(&form)
        } else {
            form.push(("client_id", &self.client_id));
            form.push(("client_secret", &self.client_secret));
            request.form(&form)
        }
    }
}

fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A transport failure, without the URL's query (never carries secrets, but keep it short).
fn unreachable(error: &reqwest::Error) -> SignInError {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection refused or no route"
    } else {
        "transport error"
    };
    let host = error.url().and_then(|u| u.host_str()).unwrap_or("the provider");
    SignInError::ProviderUnreachable(format!("{host}: {kind}"))
}
