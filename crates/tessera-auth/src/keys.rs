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
/// After `tessera rotate-key`: the replaced pair's public half and its key id.
pub(crate) const PREVIOUS_PUBLIC_FILE: &str = "jwt_previous_public_key.der";
pub(crate) const PREVIOUS_KEY_ID_FILE: &str = "jwt_previous_key_id";
/// Held while key files are generated or rotated (several processes may share the directory).
const KEYS_LOCK_FILE: &str = "jwt_keys.lock";
/// The secrets key pinned by a rotation (without FERNET_KEY it was derived from the old pair).
pub(crate) const SECRETS_KEY_FILE: &str = "secrets.key";
/// The key files Tessera may keep in the data directory (what a backup must copy).
pub const GENERATED_KEY_FILES: [&str; 5] =
    [PRIVATE_FILE, PUBLIC_FILE, PREVIOUS_PUBLIC_FILE, PREVIOUS_KEY_ID_FILE, SECRETS_KEY_FILE];

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read {var}={}: {source}; check the path and that Tessera's user may read it", path.display())]
    Unreadable { var: &'static str, path: PathBuf, source: std::io::Error },
    #[error("{var}={} is not {expected}; convert it with: {hint}", path.display())]
    Malformed { var: &'static str, path: PathBuf, expected: &'static str, hint: String },
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
    #[error("the previous signing key ({0}) is the current key; point it at the public key of the pair you replaced")]
    PreviousIsCurrent(String),
    #[error("{} is damaged (expected a Fernet key, 32 bytes in base64); restore it from a backup", path.display())]
    DamagedSecretsKey { path: PathBuf },
}

/// The key pair a rotation replaced: still published and trusted until retired.
pub struct PreviousKey {
    key_id: String,
    modulus: Vec<u8>,
    exponent: Vec<u8>,
    source: PathBuf,
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
    previous: Option<PreviousKey>,
    /// From the data directory's `secrets.key`, when a rotation pinned it.
    pinned_secrets_key: Option<[u8; 32]>,
}

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeys")
            .field("key_id", &self.key_id)
            .field("source", &self.source)
            .field("previous_key_id", &self.previous.as_ref().map(|p| &p.key_id))
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
        let mut keys = Self::from_pair(key_pair, &config.key_id, source)?;
        keys.previous = match &config.previous {
            Some(previous) => {
                Some(load_previous(&previous.public_key, &previous.key_id, "TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH")?)
            }
            None if config.key_files.is_none() => kept_previous(data_dir, &config.key_id)?,
            None => None,
        };
        if let Some(previous) = &keys.previous
            && previous.modulus == keys.key_pair.public_key().modulus().big_endian_without_leading_zero()
        {
            return Err(KeyError::PreviousIsCurrent(previous.source.display().to_string()));
        }
        keys.pinned_secrets_key = read_secrets_key(data_dir)?;
        Ok(keys)
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
        Ok(Self { key_pair, pkcs1_der, key_id: key_id.to_string(), source, previous: None, pinned_secrets_key: None })
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

    /// The previous key's id, while a rotation keeps it trusted.
    pub fn previous_key_id(&self) -> Option<&str> {
        self.previous.as_ref().map(|p| p.key_id.as_str())
    }

    /// The keys that verify Tessera's own tokens (RS256), in-process, with their key ids: the
    /// current one first, then the previous one while it is trusted.
    pub(crate) fn signature_keys(&self) -> Vec<(String, crate::verify::SignatureKey)> {
        let public = self.key_pair.public_key();
        let rs256 = tessera_config::JwsAlgorithm::RS256;
        let current = crate::verify::rsa_key(
            rs256,
            public.modulus().big_endian_without_leading_zero(),
            public.exponent().big_endian_without_leading_zero(),
        )
        .expect("a loaded RSA key parses");
        let mut keys = vec![(self.key_id.clone(), current)];
        if let Some(previous) = &self.previous {
            let key =
                crate::verify::rsa_key(rs256, &previous.modulus, &previous.exponent).expect("a loaded RSA key parses");
            keys.push((previous.key_id.clone(), key));
        }
        keys
    }

    /// The key that seals secrets at rest when FERNET_KEY is unset: the one a rotation pinned in
    /// the data directory, else derived from the private key (shared by replicas sharing the pair).
    pub fn secrets_key(&self) -> [u8; 32] {
        self.pinned_secrets_key.unwrap_or_else(|| self.derive_secret("fernet-key-v1"))
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

    /// The public halves as the JWKS served at `/api/v1/system/config/jwks`: the current key, then
    /// the previous one while a rotation keeps it.
    pub fn jwks(&self) -> crate::Jwks {
        let public = self.key_pair.public_key();
        let mut jwks = crate::Jwks::single_rsa(
            &self.key_id,
            public.modulus().big_endian_without_leading_zero(),
            public.exponent().big_endian_without_leading_zero(),
        );
        if let Some(previous) = &self.previous {
            let old = crate::Jwks::single_rsa(&previous.key_id, &previous.modulus, &previous.exponent);
            jwks.keys.extend(old.keys);
        }
        jwks
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
        hint: "openssl pkcs8 -topk8 -inform PEM -outform DER -in private_key.pem -out private_key.der -nocrypt".into(),
    })?;
    let public_key = read_public_key(public_var, public, "private_key.pem", "public_key.der")?;
    if public_key.as_ref() != key_pair.public_key().as_ref() {
        return Err(KeyError::Mismatch);
    }
    Ok(key_pair)
}

/// An X.509 DER public key; the hint converts `pem` (its private key) into `der`.
fn read_public_key(var: &'static str, path: &Path, pem: &str, der: &str) -> Result<PublicKey, KeyError> {
    PublicKey::from_der(&read(var, path)?).map_err(|_| KeyError::Malformed {
        var,
        path: path.to_path_buf(),
        expected: "an X.509 DER RSA public key",
        hint: format!("openssl rsa -in {pem} -pubout -outform DER -out {der}"),
    })
}

fn load_previous(path: &Path, key_id: &str, var: &'static str) -> Result<PreviousKey, KeyError> {
    let public = read_public_key(var, path, "old_private_key.pem", "old_public_key.der")?;
    Ok(PreviousKey {
        key_id: key_id.to_string(),
        modulus: public.modulus().big_endian_without_leading_zero().to_vec(),
        exponent: public.exponent().big_endian_without_leading_zero().to_vec(),
        source: path.to_path_buf(),
    })
}

/// The previous pair `tessera rotate-key` left in the data directory, if any.
fn kept_previous(data_dir: &Path, current_key_id: &str) -> Result<Option<PreviousKey>, KeyError> {
    let path = data_dir.join(PREVIOUS_PUBLIC_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let key_id = match std::fs::read_to_string(data_dir.join(PREVIOUS_KEY_ID_FILE)) {
        Ok(text) if !text.trim().is_empty() => text.trim().to_string(),
        _ => current_key_id.to_string(),
    };
    load_previous(&path, &key_id, "TESSERA_DATA_DIR").map(Some)
}

fn read_secrets_key(data_dir: &Path) -> Result<Option<[u8; 32]>, KeyError> {
    let path = data_dir.join(SECRETS_KEY_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(KeyError::Unreadable { var: "TESSERA_DATA_DIR", path, source }),
    };
    let raw = tessera_config::decode_fernet_key(text.trim()).ok_or(KeyError::DamagedSecretsKey { path })?;
    let mut key = [0u8; 32];
    key.copy_from_slice(&raw);
    Ok(Some(key))
}

fn kept_or_generated(data_dir: &Path) -> Result<(KeyPair, KeySource), KeyError> {
    let private = data_dir.join(PRIVATE_FILE);
    let public = data_dir.join(PUBLIC_FILE);
    if private.exists() {
        return Ok((load_pair(&private, &public, false)?, KeySource::KeptFromEarlierStart(private)));
    }
    // Replicas sharing a data directory may start together: one generates the pair, the others
    // wait for it and load it, so they all sign with the same key.
    let _lock = lock_keys(data_dir)?;
    if private.exists() {
        return Ok((load_pair(&private, &public, false)?, KeySource::KeptFromEarlierStart(private)));
    }
    Ok((generate_into(data_dir)?, KeySource::GeneratedNow(private)))
}

/// An exclusive lock on the data directory's key files, held until the returned file is dropped.
pub(crate) fn lock_keys(data_dir: &Path) -> Result<std::fs::File, KeyError> {
    let store_err = |source| KeyError::Store { dir: data_dir.to_path_buf(), source };
    std::fs::create_dir_all(data_dir).map_err(store_err)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(data_dir.join(KEYS_LOCK_FILE))
        .map_err(store_err)?;
    file.lock().map_err(store_err)?;
    Ok(file)
}

/// A new pair, kept in `data_dir` (replacing the one there).
pub(crate) fn generate_into(data_dir: &Path) -> Result<KeyPair, KeyError> {
    let key_pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generation)?;
    let private_der = key_pair.as_der().map_err(|_| KeyError::Generation)?;
    let public_der = key_pair.public_key().as_der().map_err(|_| KeyError::Generation)?;
    let store_err = |source| KeyError::Store { dir: data_dir.to_path_buf(), source };
    std::fs::create_dir_all(data_dir).map_err(store_err)?;
    // The public key first: a crash in between leaves no private key (or, in a rotation, a
    // mismatched pair that refuses to load) rather than a silently different key.
    write_private(&data_dir.join(PUBLIC_FILE), public_der.as_ref()).map_err(store_err)?;
    write_private(&data_dir.join(PRIVATE_FILE), private_der.as_ref()).map_err(store_err)?;
    Ok(key_pair)
}

/// Writes a file readable by its owner only, atomically (temp file + rename).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
        JwtConfig { key_files: files, issuer: "open-metadata.org".into(), key_id: "kid-1".into(), previous: None }
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
    fn processes_starting_together_share_one_generated_pair() {
        let dir = tempfile::tempdir().unwrap();
        let starts: Vec<_> = (0..4)
            .map(|_| {
                let dir = dir.path().to_path_buf();
                std::thread::spawn(move || SigningKeys::load_or_generate(&config(None), &dir).unwrap())
            })
            .collect();
        let keys: Vec<SigningKeys> = starts.into_iter().map(|s| s.join().unwrap()).collect();
        let generated = keys.iter().filter(|k| matches!(k.source(), KeySource::GeneratedNow(_))).count();
        assert_eq!(generated, 1, "exactly one start generates the pair");
        assert!(keys.iter().all(|k| k.jwks() == keys[0].jwks()), "every start signs with the same key");
        assert_eq!(SigningKeys::load_or_generate(&config(None), dir.path()).unwrap().jwks(), keys[0].jwks());
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
