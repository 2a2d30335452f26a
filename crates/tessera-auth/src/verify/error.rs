//! Why a token was refused: the original's status and exact message, plus a stable `reason`.

/// The original's texts that the web UI and clients match on (compat §2.9).
pub const TOKEN_NOT_PRESENT: &str = "Not Authorized! Token not present";
pub const INVALID_TOKEN: &str = "Not Authorized! Invalid token.";
pub const EXPIRED: &str = "Expired token!";
pub const KEY_MISMATCH_PREFIX: &str =
    "Not Authorized! Invalid token. Token verification failed. Public key mismatch. due to ";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("{TOKEN_NOT_PRESENT}")]
    Missing,
    #[error("{INVALID_TOKEN}")]
    Malformed,
    #[error("{EXPIRED}")]
    Expired,
    #[error("{KEY_MISMATCH_PREFIX}the token's algorithm {0} is not accepted")]
    AlgorithmNotAllowed(String),
    #[error("{KEY_MISMATCH_PREFIX}{0}")]
    BadSignature(String),
    #[error("Not Authorized! Token signing key not found in configured public keys due to unknown key id {0:?}")]
    KeyUnknown(String),
    #[error("Not Authorized! Invalid token. The token has no key id and more than one key could have signed it")]
    KeyIdMissing,
    #[error("JWKS key resolution failed: the identity provider's keys could not be fetched; try again shortly")]
    KeysUnavailable,
    #[error("Not Authorized! Invalid token. The token was issued by {found:?}, not by {expected:?}")]
    IssuerMismatch { found: String, expected: String },
    #[error(
        "Not Authorized! Invalid token. The token's Entra ID tenant {0:?} is not one this server accepts; \
         an administrator may add it to TESSERA_AZURE_TENANT_IDS"
    )]
    TenantNotAllowed(String),
    #[error("Not Authorized! Invalid token. The token is meant for {found:?}, not for this application ({expected})")]
    AudienceMismatch { found: String, expected: String },
    #[error("Not Authorized! Invalid token. The token is not valid yet (nbf or iat in the future)")]
    NotYetValid,
    #[error("Not Authorized! Invalid token. The identity provider's token lacks the required {0} claim")]
    RequiredClaimMissing(&'static str),
    #[error("Not Authorized! Invalid token. Its {0} claim is not a date in seconds since the epoch")]
    DateClaimInvalid(&'static str),
    #[error(
        "Not Authorized! The identity provider says this account's email is not verified (email_verified is false); \
         verify it at the provider, or set TESSERA_ALLOW_UNVERIFIED_EMAIL=true to accept such accounts"
    )]
    EmailNotVerified,
    #[error("Invalid JWT token, none of the following claims are present [{}]", .0.join(", "))]
    NoPrincipalClaim(Vec<String>),
    #[error("Invalid JWT token, 'username' claim is not present")]
    MappedUsernameMissing,
    #[error("Invalid JWT token, 'email' claim is not present or invalid : {0}")]
    MappedEmailInvalid(String),
    #[error(
        "Not Authorized! Invalid token. Its principal claim {0:?} names no user (nothing before the @); \
         the identity provider must send a user name or an email such as jane@example.com"
    )]
    PrincipalNameEmpty(String),
    #[error("Not Authorized! Email does not match the principal domain {0}")]
    DomainMismatch(String),
    #[error("Not Authorized! The given token does not match the current bot's token!")]
    BotTokenSuperseded,
    #[error("Not Authorized! Invalid personal access token!")]
    PersonalTokenRevoked,
    #[error("Not Authorized! The user of this token no longer exists")]
    UserGone,
    #[error("Invalid token, used after logout!")]
    SignedOut,
}

impl AuthError {
    /// 401 for every refusal, 503 when the provider's keys cannot be fetched (retry later).
    pub fn status(&self) -> u16 {
        match self {
            AuthError::KeysUnavailable => 503,
            _ => 401,
        }
    }

    /// A refusal of an own token that a newer revocation state could lift: the token may have been
    /// made on another replica a moment ago.
    pub fn may_be_stale(&self) -> bool {
        matches!(self, AuthError::PersonalTokenRevoked | AuthError::BotTokenSuperseded | AuthError::UserGone)
    }

    /// A stable machine code, added to the original's error body as `reason`.
    pub fn reason(&self) -> &'static str {
        match self {
            AuthError::Missing => "token_missing",
            AuthError::Malformed => "token_malformed",
            AuthError::Expired => "token_expired",
            AuthError::AlgorithmNotAllowed(_) => "algorithm_not_allowed",
            AuthError::BadSignature(_) => "signature_invalid",
            AuthError::KeyUnknown(_) => "key_unknown",
            AuthError::KeyIdMissing => "key_id_missing",
            AuthError::KeysUnavailable => "keys_unavailable",
            AuthError::IssuerMismatch { .. } => "issuer_mismatch",
            AuthError::TenantNotAllowed(_) => "tenant_not_allowed",
            AuthError::AudienceMismatch { .. } => "audience_mismatch",
            AuthError::NotYetValid => "token_not_yet_valid",
            AuthError::RequiredClaimMissing(_) => "required_claim_missing",
            AuthError::DateClaimInvalid(_) => "date_claim_invalid",
            AuthError::EmailNotVerified => "email_not_verified",
            AuthError::NoPrincipalClaim(_) | AuthError::MappedUsernameMissing | AuthError::MappedEmailInvalid(_) => {
                "principal_claim_missing"
            }
            AuthError::PrincipalNameEmpty(_) => "principal_name_empty",
            AuthError::DomainMismatch(_) => "principal_domain_mismatch",
            AuthError::BotTokenSuperseded => "bot_token_superseded",
            AuthError::PersonalTokenRevoked => "personal_token_revoked",
            AuthError::UserGone => "user_deleted",
            AuthError::SignedOut => "token_signed_out",
        }
    }
}
