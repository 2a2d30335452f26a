//! Parsing a JWKS leniently: the original pads its base64url and keeps a leading zero byte on the
//! modulus; both are accepted. Keys of unknown types or meant for encryption are skipped.

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use jsonwebtoken::DecodingKey;
use serde_json::Value;

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Base64url with or without padding.
pub fn decode_b64url(text: &str) -> Option<Vec<u8>> {
    LENIENT.decode(text.trim()).ok()
}

pub struct ProviderKey {
    pub kid: Option<String>,
    /// The `alg` the JWK is restricted to, if it says.
    pub alg: Option<String>,
    pub kty: String,
    pub key: DecodingKey,
}

pub fn parse_jwks(body: &[u8]) -> Result<Vec<ProviderKey>, String> {
    let json: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let keys = json.get("keys").and_then(Value::as_array).ok_or("no \"keys\" array")?;
    Ok(keys.iter().filter_map(parse_key).collect())
}

fn parse_key(jwk: &Value) -> Option<ProviderKey> {
    let text = |name: &str| jwk.get(name).and_then(Value::as_str);
    if text("use").is_some_and(|u| u != "sig") {
        return None;
    }
    let kty = text("kty")?.to_string();
    let key = match kty.as_str() {
        "RSA" => {
            let n = decode_b64url(text("n")?)?;
            let e = decode_b64url(text("e")?)?;
            DecodingKey::from_rsa_raw_components(strip_leading_zeros(&n), strip_leading_zeros(&e))
        }
        "EC" => {
            DecodingKey::from_ec_components(text("x")?.trim_end_matches('='), text("y")?.trim_end_matches('=')).ok()?
        }
        _ => return None,
    };
    Some(ProviderKey { kid: text("kid").map(String::from), alg: text("alg").map(String::from), kty, key })
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len().saturating_sub(1));
    &bytes[first..]
}
