//! A compact JWS (RFC 7515 §7.1) split into its parts. Nothing in it is trusted until its signature
//! is checked.

use super::error::AuthError;
use super::jwk::decode_jws_part;
use std::borrow::Cow;

/// The header fields Tessera reads, borrowed from the decoded header when they have no escapes.
/// `jku`, `x5u`, `jwk` and the rest are ignored on purpose.
#[derive(serde::Deserialize)]
pub(super) struct Header<'a> {
    #[serde(borrow, default)]
    pub alg: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub kid: Option<Cow<'a, str>>,
}

impl<'a> Header<'a> {
    pub fn parse(json: &'a [u8]) -> Result<Self, AuthError> {
        serde_json::from_slice(json).map_err(|_| AuthError::Malformed)
    }
}

pub(super) struct Jws<'a> {
    /// The header as sent (base64url): Tessera's own headers are recognised without decoding.
    pub header: &'a str,
    /// The decoded payload's JSON text.
    pub payload: String,
    /// `header.payload` as sent: the bytes the signature covers.
    pub signing_input: &'a str,
    pub signature: Vec<u8>,
}

impl<'a> Jws<'a> {
    pub fn parse(token: &'a str) -> Result<Self, AuthError> {
        let (first, end) = dots(token).ok_or(AuthError::Malformed)?;
        let (header, payload) = (&token[..first], &token[first + 1..end]);
        let payload = String::from_utf8(decode_jws_part(payload).ok_or(AuthError::Malformed)?)
            .map_err(|_| AuthError::Malformed)?;
        // A third `.` would be in the signature part, which then does not decode.
        let signature = decode_jws_part(&token[end + 1..]).ok_or(AuthError::Malformed)?;
        Ok(Self { header, payload, signing_input: &token[..end], signature })
    }
}

/// Where a compact JWS's signing input ends: its second `.`.
pub(super) fn signing_input_end(token: &str) -> Option<usize> {
    dots(token).map(|(_, second)| second)
}

/// The positions of a token's first two `.`s, found in one SIMD pass (a token is ~700 bytes and
/// this runs on every first sight of one).
fn dots(token: &str) -> Option<(usize, usize)> {
    let mut dots = memchr::memchr_iter(b'.', token.as_bytes());
    Some((dots.next()?, dots.next()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jws_has_exactly_three_parts() {
        let jws = Jws::parse("eyJ9.eyJ9.AAAA").unwrap();
        assert_eq!((jws.header, jws.signing_input, jws.payload.as_str()), ("eyJ9", "eyJ9.eyJ9", "{\"}"));
        assert_eq!(jws.signature, [0, 0, 0]);
        for bad in ["", "a", "a.b", "eyJ9.eyJ9.AA.AA", "eyJ9.eyJ9.AAAA.", "eyJ9.e.yJ9.AAAA", "eyJ9.!!!!.AAAA"] {
            assert!(Jws::parse(bad).is_err(), "{bad}");
        }
    }
}
