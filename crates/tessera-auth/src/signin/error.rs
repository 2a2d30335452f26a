//! Why a sign-in step failed, worded for the person in front of the browser (or the operator
//! reading the page), with the HTTP status it deserves: 4xx for what the browser or the provider's
//! answer got wrong, 502 when the provider cannot be reached or answers nonsense, 503 when our own
//! database is down. Never a bare 500.

use crate::AuthError;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("Redirect URI is required: open the sign-in from Tessera's page, which adds ?redirectUri=")]
    RedirectMissing,
    #[error(
        "redirectUri {0:?} is not on this server's origin; add its origin to TESSERA_ALLOWED_REDIRECT_ORIGINS if it is yours"
    )]
    RedirectNotAllowed(String),
    #[error("Sign-in with the server-side flow is off: AUTHENTICATION_CLIENT_TYPE is not confidential")]
    NotConfidential,
    #[error("The identity provider could not be reached ({0}); try again in a moment")]
    ProviderUnreachable(String),
    #[error("The identity provider's discovery document is unusable: {0}")]
    DiscoveryInvalid(String),
    #[error("The identity provider refused the sign-in: {error}{}", describe(.description))]
    ProviderRefused { error: String, description: Option<String> },
    #[error(
        "No sign-in is in progress in this browser (the session cookie is missing or expired); start the sign-in again"
    )]
    NoPendingSignIn,
    #[error("Missing state parameter: the answer from the identity provider does not belong to a sign-in started here")]
    StateMissing,
    #[error("State parameter is different from the one sent in authentication request; start the sign-in again")]
    StateMismatch,
    #[error("Issuer mismatch, possible mix-up attack: the answer names issuer {0:?}")]
    IssuerParameterMismatch(String),
    #[error("The identity provider did not return a sign-in code")]
    CodeMissing,
    #[error("Bad token response, error={error}{}", describe(.description))]
    TokenRefused { error: String, description: Option<String> },
    #[error("The identity provider's token endpoint failed (HTTP {0}); try again in a moment")]
    TokenEndpointFailed(u16),
    #[error("The identity provider returned no ID token; check that OIDC_SCOPE contains openid")]
    IdTokenMissing,
    #[error("The ID token was refused: {0}")]
    IdTokenRejected(String),
    #[error("The ID token was refused: {0}")]
    Token(#[from] AuthError),
    #[error("Missing JWT nonce (nonce) claim")]
    NonceMissing,
    #[error("Unexpected JWT nonce (nonce) claim")]
    NonceMismatch,
    #[error(
        "This page was opened with a token from a sign-in that did not happen in this browser (a link someone sent?); nobody was signed in. Start the sign-in from this page"
    )]
    HandoffUnbound,
    #[error("No session found for refresh: sign in again")]
    NoSession,
    #[error("The session has ended at the identity provider: sign in again")]
    SessionEnded,
    #[error("Tessera's database is unavailable; try again in a moment")]
    Store(#[from] tessera_store::StoreError),
}

fn describe(description: &Option<String>) -> String {
    description.as_deref().map(|d| format!(", description={d}")).unwrap_or_default()
}

impl SignInError {
    pub fn status(&self) -> u16 {
        use SignInError::*;
        match self {
            ProviderUnreachable(_) | DiscoveryInvalid(_) | TokenEndpointFailed(_) => 502,
            Token(AuthError::KeysUnavailable) | Store(_) => 503,
            NoSession | SessionEnded => 401,
            Token(AuthError::DomainMismatch(_)) => 403,
            _ => 400,
        }
    }

    /// Whether a callback that failed this way used up the sign-in in progress: every failure
    /// once the answer's state matched. Before that, the answer may be a forgery, which must not
    /// end the real sign-in this browser has in progress.
    pub fn ends_the_pending_sign_in(&self) -> bool {
        !matches!(self, SignInError::NoPendingSignIn | SignInError::StateMissing | SignInError::StateMismatch)
    }

    /// A stable code for logs, metrics and the JSON error's `reason`.
    pub fn reason(&self) -> &'static str {
        use SignInError::*;
        match self {
            RedirectMissing => "redirect_missing",
            RedirectNotAllowed(_) => "redirect_not_allowed",
            NotConfidential => "not_confidential",
            ProviderUnreachable(_) => "provider_unreachable",
            DiscoveryInvalid(_) => "discovery_invalid",
            ProviderRefused { .. } => "provider_error",
            NoPendingSignIn => "no_pending_sign_in",
            StateMissing => "state_missing",
            StateMismatch => "state_mismatch",
            IssuerParameterMismatch(_) => "issuer_mismatch",
            CodeMissing => "code_missing",
            TokenRefused { .. } => "token_refused",
            TokenEndpointFailed(_) => "token_endpoint_failed",
            IdTokenMissing => "id_token_missing",
            IdTokenRejected(_) => "id_token_rejected",
            Token(e) => e.reason(),
            NonceMissing => "nonce_missing",
            NonceMismatch => "nonce_mismatch",
            HandoffUnbound => "handoff_unbound",
            NoSession => "session_missing",
            SessionEnded => "session_ended",
            Store(_) => "database_unavailable",
        }
    }
}
