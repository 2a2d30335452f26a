//! Parsing a JWKS leniently (the original pads its base64url and keeps a leading zero byte on the
//! modulus; both are accepted) into keys parsed once for the one algorithm the verifier accepts.
//! Keys of another type, or meant for encryption, are skipped.

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;

use super::algorithm::Pinned;
pub use super::algorithm::SignatureKey;

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Base64url with or without padding.
pub fn decode_b64url(text: &str) -> Option<Vec<u8>> {
    LENIENT.decode(text.trim()).ok()
}

/// A JWS part (base64url, padding tolerated), decoded with SIMD: on a token seen for the first time
/// this is most of the work besides the signature check.
pub fn decode_jws_part(text: &str) -> Option<Vec<u8>> {
    base64_simd::URL_SAFE_NO_PAD.decode_to_vec(text.trim().trim_end_matches('=')).ok()
}

pub struct ProviderKey {
    pub kid: Option<String>,
    /// The `alg` the JWK is restricted to, if it says.
    pub alg: Option<String>,
    pub key: SignatureKey,
}

pub fn parse_jwks(body: &[u8], pinned: Pinned) -> Result<Vec<ProviderKey>, String> {
    let json: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let keys = json.get("keys").and_then(Value::as_array).ok_or("no \"keys\" array")?;
    Ok(keys.iter().filter_map(|k| parse_key(k, pinned)).collect())
}

fn parse_key(jwk: &Value, pinned: Pinned) -> Option<ProviderKey> {
    let text = |name: &str| jwk.get(name).and_then(Value::as_str);
    if text("use").is_some_and(|u| u != "sig") {
        return None;
    }
    let key = match text("kty")? {
        "RSA" => {
            let n = decode_b64url(text("n")?)?;
            let e = decode_b64url(text("e")?)?;
            super::algorithm::rsa_key(pinned, strip_leading_zeros(&n), strip_leading_zeros(&e))?
        }
        "EC" => super::algorithm::ec_key(pinned, &decode_b64url(text("x")?)?, &decode_b64url(text("y")?)?)?,
        _ => return None,
    };
    Some(ProviderKey { kid: text("kid").map(String::from), alg: text("alg").map(String::from), key })
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len().saturating_sub(1));
    &bytes[first..]
}
