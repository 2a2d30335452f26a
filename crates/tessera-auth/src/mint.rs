//! Tessera's own tokens (compat §6.1): RS256, `kid = JWT_KEY_ID`, the original's claims, so a token
//! minted by either server verifies on the other given the same key files.

use crate::SigningKeys;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// `tokenType` claim values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    Bot,
    PersonalAccess,
    OmUser,
}

impl TokenType {
    pub const ALL: [TokenType; 3] = [TokenType::Bot, TokenType::PersonalAccess, TokenType::OmUser];

    pub fn claim(self) -> &'static str {
        match self {
            TokenType::Bot => "BOT",
            TokenType::PersonalAccess => "PERSONAL_ACCESS",
            TokenType::OmUser => "OM_USER",
        }
    }

    /// A `tokenType` claim's value; `None` for any other text.
    pub fn parse(claim: &str) -> Option<TokenType> {
        TokenType::ALL.into_iter().find(|t| t.claim() == claim)
    }
}

/// The original's `JWTTokenExpiry` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expiry {
    OneHour,
    #[serde(rename = "1")]
    OneDay,
    #[serde(rename = "7")]
    SevenDays,
    #[serde(rename = "30")]
    ThirtyDays,
    #[serde(rename = "60")]
    SixtyDays,
    #[serde(rename = "90")]
    NinetyDays,
    Unlimited,
}

impl Expiry {
    /// Seconds of validity, `None` for unlimited.
    pub fn seconds(self) -> Option<i64> {
        const DAY: i64 = 86_400;
        match self {
            Expiry::OneHour => Some(3600),
            Expiry::OneDay => Some(DAY),
            Expiry::SevenDays => Some(7 * DAY),
            Expiry::ThirtyDays => Some(30 * DAY),
            Expiry::SixtyDays => Some(60 * DAY),
            Expiry::NinetyDays => Some(90 * DAY),
            Expiry::Unlimited => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Expiry::OneHour => "OneHour",
            Expiry::OneDay => "1",
            Expiry::SevenDays => "7",
            Expiry::ThirtyDays => "30",
            Expiry::SixtyDays => "60",
            Expiry::NinetyDays => "90",
            Expiry::Unlimited => "Unlimited",
        }
    }
}

/// Who a token is for.
pub struct Subject<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub roles: &'a [String],
    pub is_bot: bool,
}

#[derive(Debug, Clone)]
pub struct Minted {
    pub token: String,
    /// Expiry in epoch milliseconds, as the original reports it.
    pub expires_at_ms: Option<i64>,
}

impl SigningKeys {
    /// Signs a token for `subject`, valid from `now` (seconds) for `expiry`.
    pub fn mint(&self, issuer: &str, subject: &Subject, kind: TokenType, expiry: Expiry, now: i64) -> Minted {
        self.mint_for(issuer, subject, kind, expiry.seconds(), now)
    }

    /// Like [`SigningKeys::mint`], for any lifetime in seconds (`None`: no expiry).
    pub fn mint_for(
        &self,
        issuer: &str,
        subject: &Subject,
        kind: TokenType,
        lifetime: Option<i64>,
        now: i64,
    ) -> Minted {
        let exp = lifetime.map(|s| now + s);
        let mut claims = json!({
            "iss": issuer,
            "sub": subject.name,
            "email": subject.email,
            "roles": subject.roles,
            "isBot": subject.is_bot,
            "tokenType": kind.claim(),
            "iat": now,
            "jti": uuid_v4(),
        });
        if let Some(exp) = exp {
            claims["exp"] = json!(exp);
        }
        let token = jsonwebtoken::encode(&own_header(self.key_id()), &claims, &self.encoding_key())
            .expect("RS256 signing with a valid key");
        Minted { token, expires_at_ms: exp.map(|e| e * 1000) }
    }

    /// The first part (base64url header) of the tokens each trusted key signs, with its key id: a
    /// token that starts with one is known to be RS256 with that kid without decoding its header.
    pub(crate) fn own_header_parts(&self) -> Vec<(String, String)> {
        use base64::Engine;
        std::iter::once(self.key_id())
            .chain(self.previous_key_id())
            .map(|kid| {
                let json = serde_json::to_vec(&own_header(kid)).expect("a JWS header serializes");
                (base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json), kid.to_string())
            })
            .collect()
    }
}

/// The header of Tessera's tokens signed with the key `kid`.
fn own_header(kid: &str) -> jsonwebtoken::Header {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid.to_string());
    header.typ = Some("JWT".into());
    header
}

fn uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).expect("system randomness");
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// An opaque secret (refresh tokens, sign-in state, nonce, PKCE verifier): 32 random bytes,
/// base64url without padding.
pub(crate) fn random_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).expect("system randomness");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_parts_the_verifier_recognises_are_those_minted() {
        let keys = SigningKeys::ephemeral("demo-1").unwrap();
        let subject = Subject { name: "alice", email: "alice@example.com", roles: &[], is_bot: false };
        let token = keys.mint("open-metadata.org", &subject, TokenType::OmUser, Expiry::OneHour, 1_700_000_000).token;
        let first_part = token.split('.').next().unwrap();
        assert_eq!(keys.own_header_parts(), [(first_part.to_string(), "demo-1".to_string())]);
    }
}
