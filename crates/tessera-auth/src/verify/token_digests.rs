//! The two SHA-256 digests a token seen for the first time needs: the whole token's (the cache and
//! revocation key) and its signing input's (what an RS256 signature covers). The signing input is
//! where the token starts, so one pass over it serves both. RustCrypto's SHA-256 (SHA-NI where the
//! CPU has it) rather than aws-lc's: its state is copied for free, where an aws-lc digest context
//! allocates to be copied.

use super::TokenHash;
use aws_lc_rs::digest::{Digest, SHA256};
use sha2::Digest as _;

pub struct TokenDigests {
    pub token: TokenHash,
    /// The hash state after the signing input (the text before the token's second `.`); `None`
    /// for a token with fewer than two. Finished only when the signature is checked, so a token
    /// found in the cache costs one digest.
    signing_input: Option<sha2::Sha256>,
}

impl TokenDigests {
    pub fn of(token: &str) -> Self {
        let mut context = sha2::Sha256::new();
        let signing_input = super::jws::signing_input_end(token).map(|end| {
            context.update(&token.as_bytes()[..end]);
            let signing_input = context.clone();
            context.update(&token.as_bytes()[end..]);
            signing_input
        });
        if signing_input.is_none() {
            context.update(token.as_bytes());
        }
        Self { token: TokenHash(context.finalize().into()), signing_input }
    }

    /// The SHA-256 of the signing input.
    pub fn signing_input(&self) -> Option<Digest> {
        let digest = self.signing_input.clone()?.finalize();
        Digest::import_less_safe(&digest, &SHA256).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_digests_match_hashing_each_part_alone() {
        for token in ["a.b.c", "header.payload.", "no-dot", "", ".", "..", "a.b.c.d", "x".repeat(700).as_str()] {
            let digests = TokenDigests::of(token);
            assert_eq!(digests.token, TokenHash::of(token), "{token}");
            let dots: Vec<usize> = token.match_indices('.').map(|(at, _)| at).collect();
            let expected = dots.get(1).map(|end| aws_lc_rs::digest::digest(&SHA256, &token.as_bytes()[..*end]));
            assert_eq!(
                digests.signing_input().map(|d| d.as_ref().to_vec()),
                expected.map(|d| d.as_ref().to_vec()),
                "{token}"
            );
        }
    }
}
