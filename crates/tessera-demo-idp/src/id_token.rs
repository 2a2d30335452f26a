//! ID tokens shaped like Auth0's: RS256 with a `kid`, `sub` = `auth0|<id>`, `aud` = the client.

use crate::directory::DemoUser;
use crate::state::{State, has_scope};
use serde_json::{Value, json};

pub struct IdTokenFor<'a> {
    pub user: &'a DemoUser,
    pub client_id: &'a str,
    pub scope: &'a str,
    pub nonce: Option<&'a str>,
    /// Set when an access token is issued with the ID token (code flow): adds `at_hash`.
    pub access_token: Option<&'a str>,
}

pub fn mint(state: &State, token: &IdTokenFor) -> String {
    let now = now();
    let mut claims = json!({
        "iss": state.issuer,
        "sub": subject(token.user),
        "aud": token.client_id,
        "azp": token.client_id,
        "iat": now,
        "exp": now + state.token_ttl.as_secs() as i64,
    });
    if let Some(nonce) = token.nonce {
        claims["nonce"] = json!(nonce);
    }
    if let Some(access_token) = token.access_token {
        claims["at_hash"] = json!(crate::crypto::at_hash(access_token));
    }
    add_user_claims(&mut claims, token.user, token.scope);
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(state.keys.key_id().to_string());
    header.typ = Some("JWT".into());
    jsonwebtoken::encode(&header, &claims, &state.keys.encoding_key()).expect("RS256 signing with a valid key")
}

pub fn subject(user: &DemoUser) -> String {
    format!("auth0|{}", user.id)
}

/// The standard claims the granted scopes allow (as Auth0 does: `email`, `profile`).
pub fn add_user_claims(claims: &mut Value, user: &DemoUser, scope: &str) {
    if has_scope(scope, "email") {
        claims["email"] = json!(user.email);
        claims["email_verified"] = json!(true);
    }
    if has_scope(scope, "profile") {
        claims["name"] = json!(user.name);
        claims["nickname"] = json!(user.nickname);
    }
}

pub fn now() -> i64 {
    tessera_auth::verify::unix_now()
}
