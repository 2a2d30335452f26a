//! Tessera's signing key pair. Configured files are PKCS#8 (private) and X.509 SubjectPublicKeyInfo
//! (public) DER, exactly what the original reads. Without them, a 2048-bit pair is generated on first
//! start and kept in the data directory (mode 0600): no well-known key is ever shipped.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKey};
use aws_lc_rs::signature::KeyPair as _;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use tessera_config::JwtConfig;

const PRIVATE_FILE: &str = "jwt_private_key.der";
const PUBLIC_FILE: &str = "jwt_public_key.der";
/// The files a generated pair is kept in, inside the data directory (what a backup must copy).
pub const GENERATED_KEY_FILES: [&str; 2] = [PRIVATE_FILE, PUBLIC_FILE];

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read {var}={}: {source}; check the path and that Tessera's user may read it", path.display())]
    Unreadable { var: &'static str, path: PathBuf, source: std::io::Error },
    #[error("{var}={} is not {expected}; convert it with: {hint}", path.display())]
    Malformed { var: &'static str, path: PathBuf, expected: &'static str, hint: &'static str },
    #[error(
        "RSA_PRIVATE_KEY_FILE_PATH and RSA_PUBLIC_KEY_FILE_PATH hold keys of two different pairs; point both at the same pair"
    )]
    Mismatch,
    #[error("the RSA key is {bits} bits; use a key of at least 2048 bits (openssl genrsa -out private_key.pem 2048)")]
    TooShort { bits: usize },
    #[error("cannot keep the generated signing key in {}: {source}; make TESSERA_DATA_DIR writable", dir.display())]
    Store { dir: PathBuf, source: std::io::Error },
    #[error("key generation failed")]
    Generation,
}

/// Where the key pair came from (logged at start, never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    ConfiguredFiles,
    GeneratedNow(PathBuf),
    KeptFromEarlierStart(PathBuf),
    /// Generated for this process only and never written (the demo identity provider's key).
    Ephemeral,
}

pub struct SigningKeys {
    key_pair: KeyPair,
    /// The PKCS#1 form of the private key, which the JWT library signs with.
    pkcs1_der: Vec<u8>,
    key_id: String,
    source: KeySource,
}

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeys")
            .field("key_id", &self.key_id)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl SigningKeys {
    /// Loads the configured pair, or the one kept in `data_dir`, or generates and keeps a new one.
    pub fn load_or_generate(config: &JwtConfig, data_dir: &Path) -> Result<Self, KeyError> {
        let (key_pair, source) = match &config.key_files {
            Some(files) => (load_pair(&files.private_key, &files.public_key, true)?, KeySource::ConfiguredFiles),
            None => kept_or_generated(data_dir)?,
        };
        Self::from_pair(key_pair, &config.key_id, source)
    }

    /// A fresh 2048-bit pair held in memory only: nothing is written, it dies with the process.
    pub fn ephemeral(key_id: &str) -> Result<Self, KeyError> {
        let key_pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generation)?;
        Self::from_pair(key_pair, key_id, KeySource::Ephemeral)
    }

    fn from_pair(key_pair: KeyPair, key_id: &str, source: KeySource) -> Result<Self, KeyError> {
        let bits = key_pair.public_modulus_len() * 8;
        if bits < 2048 {
            return Err(KeyError::TooShort { bits });
        }
        let pkcs8_der = key_pair.as_der().map_err(|_| KeyError::Generation)?;
        let pkcs1_der =
            pkcs8::PrivateKeyInfo::try_from(pkcs8_der.as_ref()).map_err(|_| KeyError::Generation)?.private_key.to_vec();
        Ok(Self { key_pair, pkcs1_der, key_id: key_id.to_string(), source })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub fn source(&self) -> &KeySource {
        &self.source
    }

    pub fn key_pair(&self) -> &KeyPair {
        &self.key_pair
    }

    /// The key that verifies Tessera's own tokens (RS256), in-process.
    pub(crate) fn signature_key(&self) -> crate::verify::SignatureKey {
        let public = self.key_pair.public_key();
        crate::verify::Pinned { name: "RS256" }
            .rsa_key(
                public.modulus().big_endian_without_leading_zero(),
                public.exponent().big_endian_without_leading_zero(),
            )
            .expect("a loaded RSA key parses")
    }

    /// The key that signs Tessera's own tokens.
    pub fn encoding_key(&self) -> jsonwebtoken::EncodingKey {
        jsonwebtoken::EncodingKey::from_rsa_der(&self.pkcs1_der)
    }

    /// 32 bytes derived from the private key for `purpose` (HKDF-SHA256): a secret every replica
    /// sharing the key pair shares too, without storing another one.
    pub fn derive_secret(&self, purpose: &str) -> [u8; 32] {
        use aws_lc_rs::hkdf;
        let pkcs8 = self.key_pair.as_der().expect("a loaded key serialises");
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"tessera").extract(pkcs8.as_ref());
        let info = [purpose.as_bytes()];
        let okm = prk.expand(&info, hkdf::HKDF_SHA256).expect("32 bytes is a valid HKDF length");
        let mut out = [0u8; 32];
        okm.fill(&mut out).expect("32 bytes");
        out
    }

    /// The public half as the JWKS served at `/api/v1/system/config/jwks`.
    pub fn jwks(&self) -> crate::Jwks {
        let public = self.key_pair.public_key();
        crate::Jwks::single_rsa(
            &self.key_id,
            public.modulus().big_endian_without_leading_zero(),
            public.exponent().big_endian_without_leading_zero(),
        )
    }
}

fn read(var: &'static str, path: &Path) -> Result<Vec<u8>, KeyError> {
    std::fs::read(path).map_err(|source| KeyError::Unreadable { var, path: path.to_path_buf(), source })
}

fn load_pair(private: &Path, public: &Path, configured: bool) -> Result<KeyPair, KeyError> {
    let (private_var, public_var) = if configured {
        ("RSA_PRIVATE_KEY_FILE_PATH", "RSA_PUBLIC_KEY_FILE_PATH")
    } else {
        ("TESSERA_DATA_DIR", "TESSERA_DATA_DIR")
    };
    let key_pair = KeyPair::from_pkcs8(&read(private_var, private)?).map_err(|_| KeyError::Malformed {
        var: private_var,
        path: private.to_path_buf(),
        expected: "an unencrypted PKCS#8 DER RSA private key",
        hint: "openssl pkcs8 -topk8 -inform PEM -outform DER -in private_key.pem -out private_key.der -nocrypt",
    })?;
    let public_key = PublicKey::from_der(&read(public_var, public)?).map_err(|_| KeyError::Malformed {
        var: public_var,
        path: public.to_path_buf(),
        expected: "an X.509 DER RSA public key",
        hint: "openssl rsa -in private_key.pem -pubout -outform DER -out public_key.der",
    })?;
    if public_key.as_ref() != key_pair.public_key().as_ref() {
        return Err(KeyError::Mismatch);
    }
    Ok(key_pair)
}

fn kept_or_generated(data_dir: &Path) -> Result<(KeyPair, KeySource), KeyError> {
    let private = data_dir.join(PRIVATE_FILE);
    let public = data_dir.join(PUBLIC_FILE);
    if private.exists() {
        return Ok((load_pair(&private, &public, false)?, KeySource::KeptFromEarlierStart(private)));
    }
    let key_pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generation)?;
    let private_der = key_pair.as_der().map_err(|_| KeyError::Generation)?;
    let public_der = key_pair.public_key().as_der().map_err(|_| KeyError::Generation)?;
    let store_err = |source| KeyError::Store { dir: data_dir.to_path_buf(), source };
    std::fs::create_dir_all(data_dir).map_err(store_err)?;
    // The public key first: a crash in between leaves no private key, so the next start regenerates.
    write_private(&public, public_der.as_ref()).map_err(store_err)?;
    write_private(&private, private_der.as_ref()).map_err(store_err)?;
    Ok((key_pair, KeySource::GeneratedNow(private)))
}

/// Writes a file readable by its owner only, atomically (temp file + rename).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = path.with_extension("tmp");
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&temp)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_config::KeyFiles;

    fn config(files: Option<KeyFiles>) -> JwtConfig {
        JwtConfig { key_files: files, issuer: "open-metadata.org".into(), key_id: "kid-1".into() }
    }

    #[test]
    fn generated_once_kept_with_0600_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = SigningKeys::load_or_generate(&config(None), dir.path()).unwrap();
        assert!(matches!(first.source(), KeySource::GeneratedNow(_)));
        let mode = std::fs::metadata(dir.path().join(PRIVATE_FILE)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let second = SigningKeys::load_or_generate(&config(None), dir.path()).unwrap();
        assert!(matches!(second.source(), KeySource::KeptFromEarlierStart(_)));
        assert_eq!(first.jwks(), second.jwks(), "the same key must survive a restart");
    }

    #[test]
    fn ephemeral_keys_are_fresh_and_carry_their_kid() {
        let (a, b) = (SigningKeys::ephemeral("demo-1").unwrap(), SigningKeys::ephemeral("demo-1").unwrap());
        assert_eq!((a.source(), a.key_id()), (&KeySource::Ephemeral, "demo-1"));
        assert_ne!(a.jwks(), b.jwks(), "each process gets its own pair");
    }

    #[test]
    fn configured_files_load_and_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        SigningKeys::load_or_generate(&config(None), dir.path()).unwrap();
        let files = KeyFiles { private_key: dir.path().join(PRIVATE_FILE), public_key: dir.path().join(PUBLIC_FILE) };
        let keys = SigningKeys::load_or_generate(&config(Some(files.clone())), Path::new("/nonexistent")).unwrap();
        assert_eq!(keys.source(), &KeySource::ConfiguredFiles);

        let other = tempfile::tempdir().unwrap();
        SigningKeys::load_or_generate(&config(None), other.path()).unwrap();
        let mismatched = KeyFiles { public_key: other.path().join(PUBLIC_FILE), ..files.clone() };
        assert!(matches!(
            SigningKeys::load_or_generate(&config(Some(mismatched)), dir.path()),
            Err(KeyError::Mismatch)
        ));

        let missing = KeyFiles { private_key: dir.path().join("nope.der"), ..files.clone() };
        let err = SigningKeys::load_or_generate(&config(Some(missing)), dir.path()).unwrap_err().to_string();
        assert!(err.starts_with("cannot read RSA_PRIVATE_KEY_FILE_PATH="), "{err}");

        let garbage = dir.path().join("garbage.der");
        std::fs::write(&garbage, b"-----BEGIN PRIVATE KEY-----").unwrap();
        let pem = KeyFiles { private_key: garbage, ..files };
        let err = SigningKeys::load_or_generate(&config(Some(pem)), dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("is not an unencrypted PKCS#8 DER RSA private key; convert it with: openssl pkcs8"),
            "{err}"
        );
    }
}
