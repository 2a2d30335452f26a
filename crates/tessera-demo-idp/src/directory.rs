//! Who can sign in (the demo users) and which applications may ask (the two clients).

/// The single-page client of Tessera's web UI: no secret, PKCE required.
pub const PUBLIC_CLIENT_ID: &str = "tessera-demo";
/// The server-side client (`AUTHENTICATION_CLIENT_TYPE=confidential`): a secret generated at start.
pub const CONFIDENTIAL_CLIENT_ID: &str = "tessera-demo-web";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    /// The part after `auth0|` in `sub`, and the form value of the login button.
    pub id: String,
    pub name: String,
    pub nickname: String,
    pub email: String,
    /// What signing in as this user demonstrates.
    pub shows: String,
}

/// An admin listed in `AUTHORIZER_ADMIN_PRINCIPALS`, an ordinary user of the principal domain and
/// someone outside it (refused while principal-domain enforcement is on).
pub fn demo_users(principal_domain: &str) -> Vec<DemoUser> {
    let user = |id: &str, name: &str, email: String, shows: String| DemoUser {
        id: id.into(),
        name: name.into(),
        nickname: email.split('@').next().unwrap_or_default().into(),
        email,
        shows,
    };
    vec![
        user(
            "admin",
            "Demo Admin",
            format!("admin@{principal_domain}"),
            "an administrator: listed in AUTHORIZER_ADMIN_PRINCIPALS, signed up at start".into(),
        ),
        user(
            "alice",
            "Alice Example",
            format!("alice@{principal_domain}"),
            "an ordinary user: signs up on her first visit (no admin rights)".into(),
        ),
        user(
            "mallory",
            "Mallory Outsider",
            "mallory@outside.example".into(),
            format!("someone outside {principal_domain}: Tessera refuses her (AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN)"),
        ),
    ]
}

#[derive(Debug, Clone)]
pub struct Client {
    pub id: &'static str,
    /// `None` for the public client.
    pub secret: Option<String>,
}

impl Client {
    pub fn is_public(&self) -> bool {
        self.secret.is_none()
    }
}

pub fn clients(confidential_secret: String) -> Vec<Client> {
    vec![
        Client { id: PUBLIC_CLIENT_ID, secret: None },
        Client { id: CONFIDENTIAL_CLIENT_ID, secret: Some(confidential_secret) },
    ]
}

/// Where sign-in may send the browser back to: the UI's callbacks on every Tessera origin.
pub fn redirect_uris(origins: &[String]) -> Vec<String> {
    origins.iter().flat_map(|o| [format!("{o}/callback"), format!("{o}/silent-callback")]).collect()
}

/// A logout target must be on one of Tessera's origins (any path there).
pub fn is_allowed_return(origins: &[String], target: &str) -> bool {
    let Ok(url) = url::Url::parse(target) else { return false };
    let origin = url.origin().ascii_serialization();
    origins.iter().any(|o| o.trim_end_matches('/') == origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_targets_must_share_an_origin() {
        let origins = vec!["http://localhost:8585".to_string()];
        assert!(is_allowed_return(&origins, "http://localhost:8585"));
        assert!(is_allowed_return(&origins, "http://localhost:8585/signin?x=1"));
        assert!(!is_allowed_return(&origins, "http://localhost:8585.evil.example/"));
        assert!(!is_allowed_return(&origins, "http://localhost:9999/"));
        assert!(!is_allowed_return(&origins, "//localhost:8585/"));
        assert!(!is_allowed_return(&origins, "javascript:alert(1)"));
    }
}
