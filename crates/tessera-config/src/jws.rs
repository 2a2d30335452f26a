//! The JWS signature algorithms Tessera verifies (RFC 7518), as a type: configuration names them
//! (`AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM`, `OIDC_PREFERRED_JWS`), tokens' headers name them,
//! and an unknown name is an error where it is read, never a silent default.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JwsAlgorithm {
    RS256,
    RS384,
    RS512,
    ES256,
    ES384,
    ES512,
}

impl JwsAlgorithm {
    pub const ALL: [JwsAlgorithm; 6] = [Self::RS256, Self::RS384, Self::RS512, Self::ES256, Self::ES384, Self::ES512];

    pub fn name(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::ES512 => "ES512",
        }
    }

    /// A token header's `alg`, exactly (`none`, `HS256` and the rest are `None`).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn names() -> [&'static str; 6] {
        Self::ALL.map(Self::name)
    }

    pub fn is_rsa(self) -> bool {
        matches!(self, Self::RS256 | Self::RS384 | Self::RS512)
    }

    /// The SHA-2 size the algorithm hashes with (256, 384 or 512), e.g. for an ID token's `at_hash`.
    pub fn hash_bits(self) -> u16 {
        match self {
            Self::RS256 | Self::ES256 => 256,
            Self::RS384 | Self::ES384 => 384,
            Self::RS512 | Self::ES512 => 512,
        }
    }
}

impl fmt::Display for JwsAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for JwsAlgorithm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::JwsAlgorithm;

    #[test]
    fn names_round_trip_and_others_are_refused() {
        for algorithm in JwsAlgorithm::ALL {
            assert_eq!(JwsAlgorithm::parse(algorithm.name()), Some(algorithm));
        }
        for other in ["none", "HS256", "rs256", "PS256", ""] {
            assert_eq!(JwsAlgorithm::parse(other), None, "{other}");
        }
        assert_eq!(JwsAlgorithm::ES384.hash_bits(), 384);
        assert!(JwsAlgorithm::RS512.is_rsa() && !JwsAlgorithm::ES256.is_rsa());
    }
}
