//! A token's SHA-256, the key under which Tessera stores and compares tokens (never the token
//! itself), and the hasher of the maps keyed by it.

use std::hash::{BuildHasher, Hash, Hasher};

/// SHA-256 of a token: what is stored and compared, never the token itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    pub fn of(token: &str) -> Self {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(digest.as_ref());
        Self(bytes)
    }

    pub fn to_hex(self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, chunk) in text.as_bytes().chunks(2).enumerate() {
            bytes[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
        }
        Some(Self(bytes))
    }
}

/// The first 8 bytes stand for the digest in a hash table (equality still compares all 32): they
/// are already uniformly spread, so hashing them again would only cost time.
impl Hash for TokenHash {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut first = [0u8; 8];
        first.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_le_bytes(first));
    }
}

/// For maps keyed by [`TokenHash`]: takes its 8 bytes as they are. Only digests of tokens that were
/// verified (a valid signature) or stored by Tessera are inserted, so no one can choose keys that
/// crowd one bucket.
#[derive(Clone, Copy, Default)]
pub struct TokenHashing;

impl BuildHasher for TokenHashing {
    type Hasher = DigestPrefix;

    fn build_hasher(&self) -> DigestPrefix {
        DigestPrefix(0)
    }
}

/// See [`TokenHashing`].
#[derive(Default)]
pub struct DigestPrefix(u64);

impl Hasher for DigestPrefix {
    /// A [`TokenHash`] alone hashes to its first 8 bytes; anything hashed before it still counts.
    fn write_u64(&mut self, value: u64) {
        self.0 = self.0.rotate_left(29) ^ value;
    }

    /// Anything else hashed with it (never a [`TokenHash`]) is folded in 8 bytes at a time.
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(29) ^ u64::from_le_bytes(word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_hashes_to_its_first_eight_bytes() {
        let hash = TokenHash::of("a token");
        let first = u64::from_le_bytes(hash.0[..8].try_into().unwrap());
        assert_eq!(TokenHashing.hash_one(hash), first);
        assert_ne!(TokenHashing.hash_one((1u8, hash)), TokenHashing.hash_one((2u8, hash)), "nothing is overwritten");
        assert_eq!(TokenHash::from_hex(&hash.to_hex()), Some(hash));
        let mut map = std::collections::HashMap::with_hasher(TokenHashing);
        map.insert(hash, 1);
        let mut same_prefix = hash;
        same_prefix.0[31] ^= 1;
        assert_eq!((map.get(&hash), map.get(&same_prefix)), (Some(&1), None), "all 32 bytes compared");
    }
}
