//! Session cookies and the secrets of a pending sign-in: all random, 256 bits, URL-safe.

use aws_lc_rs::constant_time::verify_slices_are_equal;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tessera_config::SecretBox;

/// A session cookie's value. Only its hash is stored.
pub struct SessionCookie(String);

impl SessionCookie {
    pub fn generate() -> Self {
        Self(crate::mint::random_token())
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
/// replay, the PKCE verifier against code interception, and where the browser goes afterwards.
/// It travels in a sealed, short-lived cookie rather than the database, so a sign-in nobody
/// finishes leaves nothing behind (any number of `/auth/login` calls write no row).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Pending {
    pub state: String,
    pub nonce: Option<String>,
    pub verifier: Option<String>,
    pub redirect_uri: String,
    pub expires_at: i64,
}

/// Sealed values of other kinds (stored secrets) never open as a pending sign-in.
const PENDING_PURPOSE: &str = "tessera-pending-sign-in-v1:";

impl Pending {
    pub fn generate(pkce: bool, nonce: bool, redirect_uri: &str, expires_at: i64) -> Self {
        Self {
            state: crate::mint::random_token(),
            nonce: nonce.then(crate::mint::random_token),
            verifier: pkce.then(crate::mint::random_token),
            redirect_uri: redirect_uri.to_string(),
            expires_at,
        }
    }

    /// PKCE S256: base64url(SHA-256(verifier)).
    pub fn challenge(&self) -> Option<String> {
        let verifier = self.verifier.as_ref()?;
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
        Some(URL_SAFE_NO_PAD.encode(digest.as_ref()))
    }

    /// The cookie's value: Fernet, so only a replica holding the key reads or makes one.
    pub fn seal(&self, secrets: &SecretBox) -> String {
        let json = serde_json::to_string(self).expect("a pending sign-in always serialises");
        secrets.seal(&format!("{PENDING_PURPOSE}{json}"))
    }

    /// `None` for a cookie this server did not make, or one past its expiry.
    pub fn open(secrets: &SecretBox, sealed: &str, now: i64) -> Option<Self> {
        let plain = secrets.open(sealed)?;
        let pending: Self = serde_json::from_str(plain.strip_prefix(PENDING_PURPOSE)?).ok()?;
        (pending.expires_at > now).then_some(pending)
    }
}

/// Binds the hand-off of a token to the web UI to the browser that finished the sign-in: its
/// cookie holds the token's hash, and the hand-off page is served only when they match.
pub fn handoff_value(token: &str) -> String {
    crate::TokenHash::of(token).to_hex()
}

/// Constant-time equality of two secrets.
pub fn same(a: &str, b: &str) -> bool {
    verify_slices_are_equal(a.as_bytes(), b.as_bytes()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_sign_in_opens_only_with_its_key_before_its_expiry_and_as_itself() {
        let secrets = SecretBox::from_key([1; 32]);
        let pending = Pending::generate(true, true, "http://t/auth/callback", 1_000);
        let sealed = pending.seal(&secrets);
        assert!(!sealed.contains(&pending.state), "the state does not travel in clear");
        let opened = Pending::open(&secrets, &sealed, 999).unwrap();
        assert_eq!((opened.state, opened.redirect_uri), (pending.state, "http://t/auth/callback".to_string()));
        assert!(Pending::open(&secrets, &sealed, 1_000).is_none(), "expired");
        assert!(Pending::open(&SecretBox::from_key([2; 32]), &sealed, 999).is_none(), "another key");
        let other_kind =
            secrets.seal(r#"{"state":"s","nonce":null,"verifier":null,"redirect_uri":"x","expires_at":9999}"#);
        assert!(Pending::open(&secrets, &other_kind, 999).is_none(), "a sealed value of another purpose");
        assert!(Pending::open(&secrets, "garbage", 999).is_none());
    }

    #[test]
    fn pkce_challenge_of_rfc_7636_appendix_b() {
        let pending = super::Pending {
            state: String::new(),
            nonce: None,
            verifier: Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into()),
            redirect_uri: String::new(),
            expires_at: 0,
        };
        assert_eq!(pending.challenge().as_deref(), Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    }
}
