//! The one signature algorithm a verifier accepts, and keys parsed once for it. Signatures are
//! checked with aws-lc's parsed public keys over the JWS signing input (RFC 7515 §5.2): parsing a
//! key per request would cost more than the RSA verification itself.

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
    Some(SignatureKey(ParsedPublicKey::new(verification(algorithm), der.as_ref()).ok()?))
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
    Some(SignatureKey(ParsedPublicKey::new(verification(algorithm), point).ok()?))
}

/// A public key ready to check signatures of its algorithm.
pub struct SignatureKey(ParsedPublicKey);

impl SignatureKey {
    pub fn verify(&self, signing_input: &[u8], signature: &[u8]) -> bool {
        self.0.verify_sig(signing_input, signature).is_ok()
    }
}
