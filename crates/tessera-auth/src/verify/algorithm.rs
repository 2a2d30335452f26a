//! The one signature algorithm a verifier accepts, and keys parsed once for it. Signatures are
//! checked with aws-lc's parsed public keys over the JWS signing input (RFC 7515 §5.2): parsing a
//! key per request would cost more than the RSA verification itself.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{self, ParsedPublicKey, VerificationAlgorithm};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pinned {
    pub name: &'static str,
}

impl Pinned {
    /// `RS256`, `RS384`, `RS512`, `ES256`, `ES384`, `ES512`; anything else (`none`, `HS*`) is `None`.
    pub fn from_name(name: &str) -> Option<Self> {
        ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]
            .into_iter()
            .find(|n| *n == name)
            .map(|name| Self { name })
    }

    fn algorithm(self) -> &'static dyn VerificationAlgorithm {
        match self.name {
            "RS384" => &signature::RSA_PKCS1_2048_8192_SHA384,
            "RS512" => &signature::RSA_PKCS1_2048_8192_SHA512,
            "ES256" => &signature::ECDSA_P256_SHA256_FIXED,
            "ES384" => &signature::ECDSA_P384_SHA384_FIXED,
            "ES512" => &signature::ECDSA_P521_SHA512_FIXED,
            _ => &signature::RSA_PKCS1_2048_8192_SHA256,
        }
    }

    fn is_rsa(self) -> bool {
        self.name.starts_with("RS")
    }

    /// An RSA key from its modulus and exponent, if this algorithm is an RSA one.
    pub fn rsa_key(self, n: &[u8], e: &[u8]) -> Option<SignatureKey> {
        if !self.is_rsa() {
            return None;
        }
        let der = aws_lc_rs::rsa::PublicKeyComponents { n, e }.as_der().ok()?;
        Some(SignatureKey(ParsedPublicKey::new(self.algorithm(), der.as_ref()).ok()?))
    }

    /// An EC key from its coordinates, if this algorithm is an EC one.
    pub fn ec_key(self, x: &[u8], y: &[u8]) -> Option<SignatureKey> {
        if self.is_rsa() {
            return None;
        }
        let mut point = Vec::with_capacity(1 + x.len() + y.len());
        point.push(4);
        point.extend_from_slice(x);
        point.extend_from_slice(y);
        Some(SignatureKey(ParsedPublicKey::new(self.algorithm(), point).ok()?))
    }
}

/// A public key ready to check signatures of its algorithm.
pub struct SignatureKey(ParsedPublicKey);

impl SignatureKey {
    pub fn verify(&self, signing_input: &[u8], signature: &[u8]) -> bool {
        self.0.verify_sig(signing_input, signature).is_ok()
    }
}
