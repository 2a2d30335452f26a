//! The one signature algorithm a verifier accepts, and keys parsed once for it. Signatures are
//! checked with aws-lc's parsed public keys over the JWS signing input (RFC 7515 §5.2): parsing a
//! key per request would cost more than the RSA verification itself.

use aws_lc_rs::digest::Digest;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{self, ParsedPublicKey, VerificationAlgorithm};
use tessera_config::JwsAlgorithm;

/// The one algorithm a verifier accepts for a key source (configured for providers, RS256 for
/// Tessera's own tokens).
pub type Pinned = JwsAlgorithm;

fn verification(algorithm: JwsAlgorithm) -> &'static dyn VerificationAlgorithm {
    match algorithm {
        JwsAlgorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        JwsAlgorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        JwsAlgorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        JwsAlgorithm::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
        JwsAlgorithm::ES384 => &signature::ECDSA_P384_SHA384_FIXED,
        JwsAlgorithm::ES512 => &signature::ECDSA_P521_SHA512_FIXED,
    }
}

/// An RSA key from its modulus and exponent, if `algorithm` is an RSA one.
pub fn rsa_key(algorithm: JwsAlgorithm, n: &[u8], e: &[u8]) -> Option<SignatureKey> {
    if !algorithm.is_rsa() {
        return None;
    }
    let der = aws_lc_rs::rsa::PublicKeyComponents { n, e }.as_der().ok()?;
    let key = ParsedPublicKey::new(verification(algorithm), der.as_ref()).ok()?;
    Some(SignatureKey { key, takes_sha256: algorithm == JwsAlgorithm::RS256 })
}

/// An EC key from its coordinates, if `algorithm` is an EC one.
pub fn ec_key(algorithm: JwsAlgorithm, x: &[u8], y: &[u8]) -> Option<SignatureKey> {
    if algorithm.is_rsa() {
        return None;
    }
    let mut point = Vec::with_capacity(1 + x.len() + y.len());
    point.push(4);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    Some(SignatureKey { key: ParsedPublicKey::new(verification(algorithm), point).ok()?, takes_sha256: false })
}

/// A public key ready to check signatures of its algorithm.
pub struct SignatureKey {
    key: ParsedPublicKey,
    /// RS256: the signing input's SHA-256, when the caller has it, saves hashing it again.
    takes_sha256: bool,
}

impl SignatureKey {
    /// Checks `signature` over `signing_input`, whose SHA-256 the caller may already have.
    pub fn verify(&self, signing_input: &[u8], sha256: Option<&Digest>, signature: &[u8]) -> bool {
        match sha256 {
            // aws-lc refuses a digest of another algorithm than the key's.
            Some(digest) if self.takes_sha256 => self.key.verify_digest_sig(digest, signature).is_ok(),
            _ => self.key.verify_sig(signing_input, signature).is_ok(),
        }
    }
}
