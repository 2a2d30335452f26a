//! Authentication and OpenID Connect settings.

use crate::issuer::read_issuer_rule;
use crate::model::*;
use crate::reader::Reader;

const PROVIDERS: &[&str] =
    &["basic", "auth0", "okta", "azure", "google", "aws-cognito", "custom-oidc", "openmetadata", "ldap", "saml"];
const CLIENT_AUTH_METHODS: &[&str] =
    &["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"];

/// Providers whose users sign in through an OpenID Connect identity provider.
pub fn is_oidc_provider(provider: &str) -> bool {
    !matches!(provider, "basic" | "ldap" | "saml" | "openmetadata")
}

pub fn read_authentication(r: &mut Reader) -> AuthenticationConfig {
    let provider = r.one_of("AUTHENTICATION_PROVIDER", PROVIDERS).to_string();
    if provider == "saml" {
        r.error(
            "AUTHENTICATION_PROVIDER",
            "saml sign-in is not supported by Tessera",
            "use basic (passwords kept by Tessera), ldap, or an OpenID Connect provider: auth0, okta, azure, google, aws-cognito or custom-oidc",
        );
    }
    let client_type = match r.one_of("AUTHENTICATION_CLIENT_TYPE", &["public", "confidential"]) {
        "confidential" => ClientType::Confidential,
        _ => ClientType::Public,
    };
    let response_type = r.one_of("AUTHENTICATION_RESPONSE_TYPE", &["id_token", "code"]).to_string();
    let public_key_urls = r.list("AUTHENTICATION_PUBLIC_KEYS");
    for url in &public_key_urls {
        check_url(r, "AUTHENTICATION_PUBLIC_KEYS", url);
    }
    let token_validation_algorithm = r.algorithm("AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM");
    let authority = r.text("AUTHENTICATION_AUTHORITY");
    let client_id = r.text("AUTHENTICATION_CLIENT_ID");
    if is_oidc_provider(&provider) {
        if authority.is_empty() {
            r.error(
                "AUTHENTICATION_AUTHORITY",
                "empty",
                "set it to your identity provider's URL, e.g. https://dev-abc123.us.auth0.com",
            );
        } else {
            check_url(r, "AUTHENTICATION_AUTHORITY", &authority);
        }
        if client_id.is_empty() {
            r.error(
                "AUTHENTICATION_CLIENT_ID",
                "empty: the sign-in page and the token audience check need it",
                "copy the Client ID from your application's settings at the identity provider",
            );
        }
    }
    let issuer_rule = if is_oidc_provider(&provider) && url::Url::parse(&authority).is_ok() {
        read_issuer_rule(r, &provider, &authority)
    } else {
        crate::IssuerRule::default()
    };
    let callback_url = r.text("AUTHENTICATION_CALLBACK_URL");
    if !callback_url.is_empty() {
        check_url(r, "AUTHENTICATION_CALLBACK_URL", &callback_url);
    }
    let jwt_principal_claims = r.list("AUTHENTICATION_JWT_PRINCIPAL_CLAIMS");
    if jwt_principal_claims.is_empty() {
        r.error(
            "AUTHENTICATION_JWT_PRINCIPAL_CLAIMS",
            "empty: no claim could name the user",
            "use the default [email,preferred_username,sub]",
        );
    }
    let jwt_principal_claims_mapping_raw = r.list("AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING");
    let jwt_principal_claims_mapping = claims_mapping(r, &jwt_principal_claims_mapping_raw);
    AuthenticationConfig {
        provider,
        provider_name: r.text("CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME"),
        client_type,
        response_type,
        public_key_urls,
        token_validation_algorithm,
        authority,
        issuer_rule,
        client_id,
        callback_url,
        jwt_principal_claims,
        jwt_principal_claims_mapping_raw,
        jwt_principal_claims_mapping,
        enable_self_signup: r.boolean("AUTHENTICATION_ENABLE_SELF_SIGNUP"),
    }
}

/// `[username:claim, email:claim]`; both keys are required when any entry is given.
fn claims_mapping(r: &mut Reader, entries: &[String]) -> Option<ClaimsMapping> {
    const VAR: &str = "AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING";
    if entries.is_empty() {
        return None;
    }
    let (mut username, mut email) = (None, None);
    for entry in entries {
        match entry.split_once(':').map(|(k, v)| (k.trim(), v.trim())) {
            Some(("username", claim)) if !claim.is_empty() => username = Some(claim.to_string()),
            Some(("email", claim)) if !claim.is_empty() => email = Some(claim.to_string()),
            _ => r.error(
                VAR,
                format!("{entry:?} is not `username:<claim>` or `email:<claim>`"),
                "write e.g. [username:preferred_username,email:email]",
            ),
        }
    }
    match (username, email) {
        (Some(username), Some(email)) => Some(ClaimsMapping { username, email }),
        _ => {
            r.error(
                VAR,
                "Invalid JWT Principal Claims Mapping. Both username and email should be present",
                "give both, e.g. [username:preferred_username,email:email]",
            );
            None
        }
    }
}

pub fn read_oidc(r: &mut Reader, client_type: ClientType) -> OidcConfig {
    let confidential = client_type == ClientType::Confidential;
    let config = OidcConfig {
        client_id: r.text("OIDC_CLIENT_ID"),
        oidc_type: r.text("OIDC_TYPE"),
        client_secret: Secret::new(r.text("OIDC_CLIENT_SECRET")),
        scope: r.text("OIDC_SCOPE"),
        discovery_uri: r.text("OIDC_DISCOVERY_URI"),
        use_nonce: r.boolean("OIDC_USE_NONCE"),
        preferred_jws_algorithm: r.algorithm("OIDC_PREFERRED_JWS"),
        response_type: r.text("OIDC_RESPONSE_TYPE"),
        disable_pkce: r.boolean("OIDC_DISABLE_PKCE"),
        callback_url: r.text("OIDC_CALLBACK"),
        server_url: r.text("OIDC_SERVER_URL"),
        client_auth_method: r.one_of("OIDC_CLIENT_AUTH_METHOD", CLIENT_AUTH_METHODS).to_string(),
        tenant: r.text("OIDC_TENANT"),
        max_clock_skew_seconds: r.seconds("OIDC_MAX_CLOCK_SKEW"),
        token_validity_seconds: r.seconds("OIDC_OM_REFRESH_TOKEN_VALIDITY").unwrap_or(3600),
        custom_params: r.map("OIDC_CUSTOM_PARAMS"),
        max_age_seconds: r.seconds("OIDC_MAX_AGE"),
        prompt: r.text("OIDC_PROMPT_TYPE"),
        session_expiry_seconds: r.seconds("OIDC_SESSION_EXPIRY").unwrap_or(604_800),
        allowed_redirect_origins: read_origins(r),
        session_idle_seconds: r.seconds("TESSERA_SESSION_IDLE_SECONDS").unwrap_or(86_400).max(60),
    };
    if config.session_expiry_seconds < 3600 {
        r.error(
            "OIDC_SESSION_EXPIRY",
            format!("{} seconds is below the minimum of 3600", config.session_expiry_seconds),
            "use 3600 or more (the default is 604800, one week)",
        );
    }
    for key in config.custom_params.keys() {
        let honoured = (1..=5).any(|i| *key == format!("customParamKey{i}") || *key == format!("customParamValue{i}"));
        if !honoured {
            r.warn("OIDC_CUSTOM_PARAMS", format!("key {key:?} is ignored"), "use pairs customParamKey1..5 / customParamValue1..5, e.g. {customParamKey1: audience, customParamValue1: https://api.example.com}");
        }
    }
    if confidential {
        check_confidential(r, &config);
    }
    config
}

fn check_confidential(r: &mut Reader, config: &OidcConfig) {
    if config.client_id.is_empty() || config.client_secret.is_empty() {
        let var = if config.client_id.is_empty() { "OIDC_CLIENT_ID" } else { "OIDC_CLIENT_SECRET" };
        r.error(var, "Client ID and Client Secret is required to create OidcClient", "set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET from your application's settings, or use AUTHENTICATION_CLIENT_TYPE=public");
    }
    if config.discovery_uri.is_empty() {
        r.error(
            "OIDC_DISCOVERY_URI",
            "a confidential client needs the provider's discovery document",
            "set OIDC_DISCOVERY_URI=https://<your-tenant>/.well-known/openid-configuration",
        );
    } else {
        check_url(r, "OIDC_DISCOVERY_URI", &config.discovery_uri);
    }
    check_url(r, "OIDC_CALLBACK", &config.callback_url);
    if config.server_url.is_empty() {
        r.error("OIDC_SERVER_URL", "empty", "set it to the URL users open, e.g. http://localhost:8585");
    } else {
        check_url(r, "OIDC_SERVER_URL", &config.server_url);
    }
    if matches!(config.client_auth_method.as_str(), "client_secret_jwt" | "private_key_jwt") {
        r.error(
            "OIDC_CLIENT_AUTH_METHOD",
            format!("{} is not supported yet", config.client_auth_method),
            "use client_secret_post or client_secret_basic",
        );
    }
    if config.response_type != "code" {
        r.error(
            "OIDC_RESPONSE_TYPE",
            format!("{:?} is not supported for the server-side flow", config.response_type),
            "use code",
        );
    }
    if !config.scope.split_whitespace().any(|s| s == "openid") {
        r.error(
            "OIDC_SCOPE",
            "the scope lacks openid, so no ID token would be issued",
            "add openid, e.g. \"openid email profile offline_access\"",
        );
    }
}

/// `TESSERA_ALLOWED_REDIRECT_ORIGINS`, each reduced to its origin; anything with a path is refused
/// so nobody believes they allowed a single page.
fn read_origins(r: &mut Reader) -> Vec<String> {
    const VAR: &str = "TESSERA_ALLOWED_REDIRECT_ORIGINS";
    let mut origins = Vec::new();
    for text in r.list(VAR) {
        match url::Url::parse(&text) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() && url.path() == "/" => {
                origins.push(url.origin().ascii_serialization())
            }
            _ => r.error(
                VAR,
                format!("{text:?} is not an origin"),
                "write scheme, host and port only, e.g. https://catalog.example.com",
            ),
        }
    }
    origins
}

/// An absolute http(s) URL, else an error on `env`.
pub fn check_url(r: &mut Reader, env: &str, text: &str) {
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {}
        _ => r.error(env, format!("{text:?} is not an http(s) URL"), "write the full URL, starting with https://"),
    }
}
