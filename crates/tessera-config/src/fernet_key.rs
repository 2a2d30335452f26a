//! Fernet keys: 32 bytes in base64. The original's keys use the standard alphabet, the Fernet spec
//! the URL-safe one; both are accepted.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};

/// The 32 key bytes, or `None` when the text is not a Fernet key.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let bytes = STANDARD.decode(text).or_else(|_| URL_SAFE.decode(text)).ok()?;
    (bytes.len() == 32).then_some(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_alphabets() {
        assert!(super::decode("jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=").is_some());
        assert!(super::decode("jJ_9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA=").is_some());
        assert!(super::decode("c2hvcnQ=").is_none());
        assert!(super::decode("not base64!").is_none());
    }
}
