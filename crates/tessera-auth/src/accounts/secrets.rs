//! Encryption of stored bot tokens (Fernet, the original's format). The key is `FERNET_KEY`, or,
//! without one, derived from the signing key so every replica that shares the key pair can read it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;

pub struct SecretBox {
    fernet: fernet::Fernet,
}

impl SecretBox {
    pub fn new(fernet_key: Option<&str>, keys: &crate::SigningKeys) -> Self {
        let raw = fernet_key.and_then(tessera_config::decode_fernet_key).map(|k| {
            let mut out = [0u8; 32];
            out.copy_from_slice(&k);
            out
        });
        let raw = raw.unwrap_or_else(|| keys.derive_secret("fernet-key-v1"));
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
