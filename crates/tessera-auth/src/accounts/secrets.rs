//! The Fernet box for secrets at rest (`tessera_config::SecretBox`): keyed by `FERNET_KEY`, or,
//! without one, by the key a rotation pinned in the data directory or else a key derived from the
//! signing key, so every replica that shares the key pair can read what another sealed.

use tessera_config::SecretBox;

pub fn secret_box(fernet_key: Option<&str>, keys: &crate::SigningKeys) -> SecretBox {
    SecretBox::new(fernet_key, || keys.secrets_key())
}
