//! The storage key of an FQN: one 32-hex-digit hash per part, joined by `.`. Fixed width per part
//! whatever the names' length or script, and an entity's descendants share its key as a prefix.

use crate::fqn::{self, FqnError};
use std::fmt::Write;

pub fn fqn_hash(fqn: &str) -> Result<String, FqnError> {
    let parts = fqn::split(fqn)?;
    let mut out = String::with_capacity(parts.len() * 33);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, part.as_bytes());
        for byte in &digest.as_ref()[..16] {
            write!(out, "{byte:02x}").expect("writing to a String");
        }
    }
    Ok(out)
}

/// Whether a cursor could have come from [`fqn_hash`] (hex digits and dots only).
pub fn is_hash(text: &str) -> bool {
    !text.is_empty() && text.len() <= 4096 && text.bytes().all(|b| b == b'.' || b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_extend_their_parent_key() {
        let schema = fqn_hash("svc.db.\"a.b\"").unwrap();
        let table = fqn_hash("svc.db.\"a.b\".t").unwrap();
        assert!(table.starts_with(&format!("{schema}.")));
        assert_eq!(schema.len(), 3 * 32 + 2);
        assert_ne!(fqn_hash("svc.db").unwrap(), fqn_hash("svc.\"db\"").unwrap_or_default());
        assert!(is_hash(&table));
        assert!(!is_hash("abc'--"));
    }
}
