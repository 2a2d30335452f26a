//! The URLs of the flow: where sign-in may return to (Tessera's origin or an allow-list — the
//! original accepted any `redirectUri`, an open redirect), the provider's authorize URL, the
//! hand-off to the web UI, and the provider's logout.

use super::SignInError;
use super::provider::ProviderMetadata;
use super::session::Pending;
use tessera_config::{Config, OidcConfig};
use tessera_store::SessionRow;
use url::Url;

/// The origins of `OIDC_SERVER_URL` and `OIDC_CALLBACK`: Tessera's own.
pub fn own_origins(oidc: &OidcConfig) -> Vec<String> {
    [&oidc.server_url, &oidc.callback_url]
        .into_iter()
        .filter_map(|u| Url::parse(u).ok())
        .map(|u| u.origin().ascii_serialization())
        .collect()
}

pub fn check_allowed(redirect_uri: &str, own: &[String], allowed: &[String]) -> Result<(), SignInError> {
    let refused = || SignInError::RedirectNotAllowed(redirect_uri.chars().take(200).collect());
    let url = Url::parse(redirect_uri).map_err(|_| refused())?;
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() || url.password().is_some() {
        return Err(refused());
    }
    let origin = url.origin().ascii_serialization();
    if own.iter().chain(allowed).any(|o| *o == origin) { Ok(()) } else { Err(refused()) }
}

pub fn authorize_url(metadata: &ProviderMetadata, config: &Config, pending: &Pending) -> String {
    let oidc = &config.oidc;
    let mut url = match Url::parse(&metadata.authorization_endpoint) {
        Ok(url) => url,
        Err(_) => return metadata.authorization_endpoint.clone(),
    };
    let scope = supported_scope(&oidc.scope, metadata.scopes_supported.as_deref());
    let asks_offline = |scope: &str| scope.split_whitespace().any(|s| s == "offline_access");
    let offline_dropped = asks_offline(&oidc.scope) && !asks_offline(&scope);
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("response_mode", "query")
            .append_pair("client_id", &oidc.client_id)
            .append_pair("redirect_uri", &oidc.callback_url)
            .append_pair("scope", &scope)
            .append_pair("state", &pending.state);
        if offline_dropped && is_google(config) {
            // Google's way of asking for a refresh token; consent makes it issue one every time.
            query.append_pair("access_type", "offline");
            if oidc.prompt.is_empty() {
                query.append_pair("prompt", "consent");
            }
        }
        if let Some(nonce) = &pending.nonce {
            query.append_pair("nonce", nonce);
        }
        if let Some(challenge) = pending.challenge() {
            query.append_pair("code_challenge", &challenge).append_pair("code_challenge_method", "S256");
        }
        if !oidc.prompt.is_empty() {
            query.append_pair("prompt", &oidc.prompt);
        }
        if let Some(max_age) = oidc.max_age_seconds {
            query.append_pair("max_age", &max_age.to_string());
        }
        for i in 1..=5 {
            let key = oidc.custom_params.get(&format!("customParamKey{i}"));
            let value = oidc.custom_params.get(&format!("customParamValue{i}"));
            if let (Some(key), Some(value)) = (key, value) {
                query.append_pair(key, value);
            }
        }
    }
    url.into()
}

/// The configured scopes the provider lists in `scopes_supported` (all when it lists none);
/// `openid` always stays.
fn supported_scope(scope: &str, supported: Option<&[String]>) -> String {
    scope
        .split_whitespace()
        .filter(|s| *s == "openid" || supported.is_none_or(|list| list.iter().any(|l| l == s)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_google(config: &Config) -> bool {
    config.authentication.provider == "google" || config.oidc.oidc_type.eq_ignore_ascii_case("google")
}

/// `redirectUri?id_token=..&email=..&name=..`, as the original hands the token to its UI (but
/// URL-encoded, and keeping any query the redirect URI had).
pub fn with_token(redirect_uri: &str, id_token: &str, session: &SessionRow) -> String {
    let Ok(mut url) = Url::parse(redirect_uri) else { return redirect_uri.to_string() };
    url.query_pairs_mut()
        .append_pair("id_token", id_token)
        .append_pair("email", session.email.as_deref().unwrap_or_default())
        .append_pair("name", session.principal_name.as_deref().unwrap_or_default());
    url.into()
}

/// RP-initiated logout: the provider's `end_session_endpoint`, Auth0's `/v2/logout` or Cognito's
/// hosted-UI `/logout`, returning to `landing`; `landing` itself when the provider has none
/// (Google: our session ends, the provider's stays).
pub fn provider_logout(metadata: &ProviderMetadata, config: &Config, id_token: Option<&str>, landing: &str) -> String {
    let client_id = &config.oidc.client_id;
    if let Some(endpoint) = &metadata.end_session_endpoint
        && let Ok(mut url) = Url::parse(endpoint)
    {
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("client_id", client_id).append_pair("post_logout_redirect_uri", landing);
            if let Some(id_token) = id_token {
                query.append_pair("id_token_hint", id_token);
            }
        }
        return url.into();
    }
    if config.authentication.provider == "aws-cognito"
        && let Ok(mut url) = Url::parse(&metadata.authorization_endpoint)
    {
        url.set_path("/logout");
        url.set_query(None);
        url.query_pairs_mut().append_pair("client_id", client_id).append_pair("logout_uri", landing);
        return url.into();
    }
    let issuer = metadata.issuer.trim_end_matches('/');
    let auth0 = config.oidc.oidc_type.eq_ignore_ascii_case("auth0")
        || Url::parse(issuer).ok().and_then(|u| u.host_str().map(|h| h.ends_with(".auth0.com"))).unwrap_or(false);
    match Url::parse(&format!("{issuer}/v2/logout")) {
        Ok(mut url) if auth0 => {
            url.query_pairs_mut().append_pair("client_id", client_id).append_pair("returnTo", landing);
            url.into()
        }
        _ => landing.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::check_allowed;

    #[test]
    fn only_own_or_listed_origins() {
        let own = vec!["http://localhost:8585".to_string()];
        let listed = vec!["https://ui.example.com".to_string()];
        assert!(check_allowed("http://localhost:8585/auth/callback", &own, &listed).is_ok());
        assert!(check_allowed("https://ui.example.com/x?y=1", &own, &listed).is_ok());
        for bad in [
            "https://evil.example/auth/callback",
            "http://localhost:8586/",
            "http://localhost:8585@evil.example/",
            "javascript:alert(1)",
            "//evil.example/",
            "/auth/callback",
            "https://ui.example.com.evil.example/",
        ] {
            assert!(check_allowed(bad, &own, &listed).is_err(), "{bad}");
        }
    }
}
