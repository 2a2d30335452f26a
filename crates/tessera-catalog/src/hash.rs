//! The storage key of an FQN: one 48-hex-digit key per part, joined by `.`: the part's first 12
//! bytes (zero-padded) and then 12 bytes of its SHA-256. Fixed width per part whatever the names'
//! length or script; an entity's descendants share its key as a prefix; siblings sort by the start
//! of their names, so lists come in name order and a run of new tables (an ingestion walks a
//! schema in order) lands on neighbouring index pages instead of random ones.

use crate::fqn::{self, FqnError};
use std::fmt::Write;

/// Bytes of a part's text, then of its hash, in each part key.
const NAME_BYTES: usize = 12;
const HASH_BYTES: usize = 12;
const PART_KEY_HEX: usize = 2 * (NAME_BYTES + HASH_BYTES);

pub fn fqn_hash(fqn: &str) -> Result<String, FqnError> {
    let parts = fqn::split(fqn)?;
    let mut out = String::with_capacity(parts.len() * (PART_KEY_HEX + 1));
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        let bytes = part.as_bytes();
        for i in 0..NAME_BYTES {
            write!(out, "{:02x}", bytes.get(i).copied().unwrap_or(0)).expect("writing to a String");
        }
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
        for byte in &digest.as_ref()[..HASH_BYTES] {
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
        assert_eq!(schema.len(), 3 * PART_KEY_HEX + 2);
        // Siblings sort by name; a long shared start is told apart by the hash.
        let key = |name: &str| fqn_hash(&format!("s.d.m.{name}")).unwrap();
        assert!(key("apples") < key("bananas") && key("bananas") < key("cherries"));
        assert_ne!(key("a_very_long_common_start_1"), key("a_very_long_common_start_2"));
        assert_ne!(fqn_hash("svc.db").unwrap(), fqn_hash("svc.\"db\"").unwrap_or_default());
        assert!(is_hash(&table));
        assert!(!is_hash("abc'--"));
    }
}
