//! The JSON Web Key Set of `/api/v1/system/config/jwks`, in the original's shape.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jwk {
    pub kty: String,
    pub kid: String,
    pub n: String,
    pub e: String,
    pub alg: String,
    #[serde(rename = "use")]
    pub key_use: String,
}

impl Jwks {
    /// One RS256 signing key. `n` and `e` use unpadded base64url without a leading zero byte (RFC
    /// 7518); Java clients of the original decode this form as well as its padded one.
    pub fn single_rsa(kid: &str, modulus: &[u8], exponent: &[u8]) -> Self {
        Self {
            keys: vec![Jwk {
                kty: "RSA".into(),
                kid: kid.into(),
                n: URL_SAFE_NO_PAD.encode(modulus),
                e: URL_SAFE_NO_PAD.encode(exponent),
                alg: "RS256".into(),
                key_use: "sig".into(),
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shape_matches_the_original() {
        let jwks = super::Jwks::single_rsa("Gb389a", &[0xc3, 0x01], &[1, 0, 1]);
        let json = serde_json::to_value(&jwks).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"keys": [{"kty": "RSA", "kid": "Gb389a", "n": "wwE", "e": "AQAB", "alg": "RS256", "use": "sig"}]})
        );
    }
}
