//! Session cookies and the secrets of a pending sign-in: all random, 256 bits, URL-safe.

use aws_lc_rs::constant_time::verify_slices_are_equal;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tessera_store::SessionRow;

/// A session cookie's value. Only its hash is stored.
pub struct SessionCookie(String);

impl SessionCookie {
    pub fn generate() -> Self {
        Self(random_text())
    }

    pub fn value(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        Self::hash_of(&self.0)
    }

    pub fn hash_of(value: &str) -> String {
        crate::TokenHash::of(value).to_hex()
    }
}

/// What a sign-in in progress must remember: `state` against CSRF, `nonce` against ID-token
/// replay, the PKCE verifier against code interception.
pub struct Pending {
    pub state: String,
    pub nonce: Option<String>,
    pub verifier: Option<String>,
}

impl Pending {
    pub fn generate(pkce: bool, nonce: bool) -> Self {
        Self { state: random_text(), nonce: nonce.then(random_text), verifier: pkce.then(random_text) }
    }

    /// PKCE S256: base64url(SHA-256(verifier)).
    pub fn challenge(&self) -> Option<String> {
        let verifier = self.verifier.as_ref()?;
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
        Some(URL_SAFE_NO_PAD.encode(digest.as_ref()))
    }

    pub fn row(&self, id_hash: String, redirect_uri: &str, now: i64, expires_at: i64) -> SessionRow {
        SessionRow {
            id_hash,
            pending_state: Some(self.state.clone()),
            pending_nonce: self.nonce.clone(),
            pending_verifier: self.verifier.clone(),
            redirect_uri: redirect_uri.to_string(),
            created_at: now,
            last_seen_at: now,
            expires_at,
            ..SessionRow::default()
        }
    }
}

/// Constant-time equality of two secrets.
pub fn same(a: &str, b: &str) -> bool {
    verify_slices_are_equal(a.as_bytes(), b.as_bytes()).is_ok()
}

fn random_text() -> String {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).expect("system randomness");
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn pkce_challenge_of_rfc_7636_appendix_b() {
        let pending = super::Pending {
            state: String::new(),
            nonce: None,
            verifier: Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into()),
        };
        assert_eq!(pending.challenge().as_deref(), Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    }
}
