//! Rotating a generated signing key (RSA_*_KEY_FILE_PATH unset): `tessera rotate-key` makes a new
//! pair and keeps the replaced pair's public half, so tokens it signed keep working (and stay in
//! the JWKS) until `tessera retire-key`. With configured key files the operator does the same
//! with settings (`TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH`); see docs/operations.md.

use crate::keys::{KeyError, PREVIOUS_KEY_ID_FILE, PREVIOUS_PUBLIC_FILE, SECRETS_KEY_FILE, SigningKeys, write_private};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine;
use std::path::{Path, PathBuf};
use tessera_config::JwtConfig;

#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    #[error(
        "the signing keys come from RSA_PRIVATE_KEY_FILE_PATH / RSA_PUBLIC_KEY_FILE_PATH: make a new pair with openssl, \
         point those settings at it, set TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH to the old public key (and FERNET_KEY), \
         and restart (docs/operations.md, \"Rotating the signing key\")"
    )]
    ConfiguredFiles,
    #[error("there is no generated signing key in {} yet: start Tessera once, there is nothing to rotate", .0.display())]
    NothingToRotate(PathBuf),
    #[error(
        "a previous key is still trusted ({}): retire it first with `tessera retire-key` once the tokens it signed are replaced",
        .0.display()
    )]
    PreviousNotRetired(PathBuf),
    #[error("no previous signing key to retire in {}", .0.display())]
    NothingToRetire(PathBuf),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("cannot write the new key files in {}: {source}; make TESSERA_DATA_DIR writable", dir.display())]
    Write { dir: PathBuf, source: std::io::Error },
}

/// What a rotation did.
#[derive(Debug)]
pub struct Rotated {
    /// The key id the replaced pair keeps.
    pub previous_key_id: String,
    /// Whether the secrets key was pinned into the data directory (no FERNET_KEY).
    pub pinned_secrets_key: bool,
}

/// Replaces the generated pair in `data_dir`; the old public key stays trusted under its key id.
/// Without FERNET_KEY the secrets key (derived from the old pair) is pinned first, so what it
/// sealed stays readable. Takes effect when Tessera next starts.
pub fn rotate_generated(config: &JwtConfig, fernet_key_set: bool, data_dir: &Path) -> Result<Rotated, RotationError> {
    if config.key_files.is_some() || config.previous.is_some() {
        return Err(RotationError::ConfiguredFiles);
    }
    if !data_dir.join(crate::keys::GENERATED_KEY_FILES[0]).exists() {
        return Err(RotationError::NothingToRotate(data_dir.to_path_buf()));
    }
    let _lock = crate::keys::lock_keys(data_dir)?;
    let previous = data_dir.join(PREVIOUS_PUBLIC_FILE);
    if previous.exists() {
        return Err(RotationError::PreviousNotRetired(previous));
    }
    let current = SigningKeys::load_or_generate(config, data_dir)?;
    let write_err = |source| RotationError::Write { dir: data_dir.to_path_buf(), source };
    let secrets = data_dir.join(SECRETS_KEY_FILE);
    let pin = !fernet_key_set && !secrets.exists();
    if pin {
        write_private(&secrets, as_fernet_key(current.secrets_key()).as_bytes()).map_err(write_err)?;
    }
    let old_public = current.key_pair().public_key().as_der().map_err(|_| KeyError::Generation)?;
    write_private(&data_dir.join(PREVIOUS_KEY_ID_FILE), current.key_id().as_bytes()).map_err(write_err)?;
    write_private(&previous, old_public.as_ref()).map_err(write_err)?;
    crate::keys::generate_into(data_dir)?;
    Ok(Rotated { previous_key_id: current.key_id().to_string(), pinned_secrets_key: pin })
}

/// A secrets key in FERNET_KEY's text form.
pub fn as_fernet_key(key: [u8; 32]) -> String {
    base64::engine::general_purpose::URL_SAFE.encode(key)
}

/// Stops trusting the previous generated key (its tokens fail from the next start on).
pub fn retire_generated(config: &JwtConfig, data_dir: &Path) -> Result<(), RotationError> {
    if config.key_files.is_some() || config.previous.is_some() {
        return Err(RotationError::ConfiguredFiles);
    }
    let previous = data_dir.join(PREVIOUS_PUBLIC_FILE);
    if !previous.exists() {
        return Err(RotationError::NothingToRetire(data_dir.to_path_buf()));
    }
    let write_err = |source| RotationError::Write { dir: data_dir.to_path_buf(), source };
    std::fs::remove_file(&previous).map_err(write_err)?;
    match std::fs::remove_file(data_dir.join(PREVIOUS_KEY_ID_FILE)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(write_err(e)),
        _ => Ok(()),
    }
}
