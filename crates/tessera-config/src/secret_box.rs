//! Secrets at rest (Fernet, the original's format), shared by every crate that stores one: bot
//! tokens, sign-in sessions, service connection passwords. The key is `FERNET_KEY`; without one the
//! caller supplies a fallback (Tessera derives it from its signing key, so every replica that
//! shares the key pair reads the same values).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;

pub struct SecretBox {
    fernet: fernet::Fernet,
}

impl SecretBox {
    /// `FERNET_KEY` when it is a valid key, else `fallback()`.
    pub fn new(fernet_key: Option<&str>, fallback: impl FnOnce() -> [u8; 32]) -> Self {
        let raw = fernet_key.and_then(crate::decode_fernet_key).map(|k| {
            let mut out = [0u8; 32];
            out.copy_from_slice(&k);
            out
        });
        Self::from_key(raw.unwrap_or_else(fallback))
    }

    pub fn from_key(raw: [u8; 32]) -> Self {
        let fernet = fernet::Fernet::new(&URL_SAFE.encode(raw)).expect("32 bytes make a Fernet key");
        Self { fernet }
    }

    pub fn seal(&self, plain: &str) -> String {
        self.fernet.encrypt(plain.as_bytes())
    }

    /// `None` when the text was sealed with another key (FERNET_KEY changed) or is damaged.
    pub fn open(&self, sealed: &str) -> Option<String> {
        self.fernet.decrypt(sealed).ok().and_then(|b| String::from_utf8(b).ok())
    }
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::SecretBox;

    #[test]
    fn seals_and_opens_with_the_same_key_only() {
        let a = SecretBox::new(Some("jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA="), || unreachable!());
        let sealed = a.seal("s3cret");
        assert!(!sealed.contains("s3cret"));
        assert_eq!(a.open(&sealed).as_deref(), Some("s3cret"));
        let b = SecretBox::new(None, || [7u8; 32]);
        assert_eq!(b.open(&sealed), None, "another key cannot read it");
        assert_eq!(SecretBox::new(Some("not a key"), || [7u8; 32]).open(&b.seal("x")).as_deref(), Some("x"));
    }
}
