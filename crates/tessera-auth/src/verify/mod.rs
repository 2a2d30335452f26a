//! Bearer-token verification: Tessera's own tokens with its key in-process, provider tokens with
//! the JWKS of `AUTHENTICATION_PUBLIC_KEYS`; algorithms pinned, `iss`/`aud`/`exp`/`nbf`/`iat`
//! checked with a leeway, the principal derived, revocation consulted. Verified tokens are cached
//! by a hash of the token, so a known token costs no signature check, no network and no database.

mod algorithm;
mod cache;
mod claims;
mod error;
mod jwk;
mod jws;
mod last_token;
mod own_principals;
mod principal;
mod provider_keys;
mod revocation;
mod token_digests;
mod token_hash;

pub(crate) use algorithm::{Pinned, SignatureKey, rsa_key};
pub use claims::Claims;
pub use error::AuthError;
pub use jwk::{decode_b64url, decode_jws_part};
pub use last_token::LastToken;
use last_token::Recalled;
pub use principal::Principal;
pub use provider_keys::{JwksSource, MIN_REFETCH_INTERVAL, ProviderKeys, is_own_jwks};
pub use revocation::{CatchUp, RevocationState};
use token_digests::TokenDigests;
pub use token_hash::TokenHash;
use token_hash::TokenHashing;

use jws::{Header, Jws};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tessera_config::Config;

/// What a verified token proves.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Shared, so handing it to a request costs a reference count, not a copy.
    pub principal: Arc<Principal>,
    /// Signed by Tessera's own key (bot, personal access or session token).
    pub own: bool,
    /// `tokenType` of Tessera's tokens: `BOT`, `PERSONAL_ACCESS`, `OM_USER`.
    pub token_type: Option<crate::TokenType>,
    pub expires_at: Option<i64>,
    /// `iat`: whether the revocation state may predate the token.
    pub issued_at: Option<i64>,
    pub hash: TokenHash,
}

/// A token's verification and when it was made (a cached entry's age counts from then).
struct Checked {
    verified: Arc<Verified>,
    verified_at: Instant,
    /// Made for this request, rather than found in the cache.
    fresh: bool,
}

/// The dates a verified token keeps.
struct Dates {
    expires_at: Option<i64>,
    issued_at: Option<i64>,
}

/// The verifier's fixed inputs, taken from the configuration once.
struct Policy {
    own_issuer: String,
    /// Tessera's keys by key id: the current one, and the previous one during a rotation (both
    /// may share a kid, so each key of a matching kid is tried).
    own_keys: Vec<(String, SignatureKey)>,
    /// The encoded header of the tokens Tessera signs with each of those keys, and its kid.
    own_headers: Vec<(String, String)>,
    algorithm: Pinned,
    leeway: i64,
    /// `None` with TESSERA_INSECURE_SKIP_ISSUER_CHECK.
    issuer_rule: Option<tessera_config::IssuerRule>,
    audiences: Vec<String>,
    client_ids: Vec<String>,
    check_audience: bool,
}

pub struct Verifier {
    policy: Policy,
    config: Arc<Config>,
    providers: ProviderKeys,
    cache: cache::VerifiedCache,
    own_principals: own_principals::OwnPrincipals,
    revocation: Arc<RevocationState>,
    now: fn() -> i64,
    /// The clock a token verified earlier is re-checked against on every request.
    recheck_now: fn() -> i64,
}

/// Seconds since the epoch.
pub fn unix_now() -> i64 {
    tessera_store::clock::now_seconds()
}

impl Verifier {
    pub fn new(config: Arc<Config>, keys: &crate::SigningKeys, revocation: Arc<RevocationState>) -> Self {
        let authn = &config.authentication;
        let tokens = &config.tokens;
        let client_ids: Vec<String> =
            [authn.client_id.clone(), config.oidc.client_id.clone()].into_iter().filter(|c| !c.is_empty()).collect();
        let mut audiences = client_ids.clone();
        audiences.extend(tokens.api_audiences.iter().cloned());
        let policy = Policy {
            own_issuer: config.jwt.issuer.clone(),
            own_keys: keys.signature_keys(),
            own_headers: keys.own_header_parts(),
            algorithm: authn.token_validation_algorithm,
            leeway: tokens.leeway_seconds as i64,
            issuer_rule: (!tokens.insecure_skip_issuer_check).then(|| authn.issuer_rule.clone()),
            audiences,
            client_ids,
            check_audience: !tokens.insecure_skip_audience_check,
        };
        let providers = ProviderKeys::new(&authn.public_key_urls, policy.algorithm);
        let cache = cache::VerifiedCache::new(100_000, Duration::from_secs(600));
        Self {
            policy,
            config,
            providers,
            cache,
            own_principals: Default::default(),
            revocation,
            now: unix_now,
            recheck_now: tessera_store::clock::coarse_now_seconds,
        }
    }

    /// Replaces the clock (tests).
    pub fn with_clock(mut self, now: fn() -> i64) -> Self {
        self.now = now;
        self.recheck_now = now;
        self
    }

    pub fn providers(&self) -> &ProviderKeys {
        &self.providers
    }

    pub fn revocation(&self) -> &Arc<RevocationState> {
        &self.revocation
    }

    /// Verifies a bearer token (the part after `Bearer `).
    pub async fn verify(&self, token: &str) -> Result<Arc<Verified>, AuthError> {
        let checked = self.signature_checked(token).await?;
        self.still_valid(checked.verified, checked.fresh).await
    }

    /// [`Self::verify`] for a request on a connection that remembers its `last` token: who the
    /// token's holder is.
    pub async fn verify_on_connection(&self, token: &str, last: &LastToken) -> Result<Arc<Principal>, AuthError> {
        match self.verify_remembered(token.as_bytes(), last).await {
            Some(outcome) => outcome,
            None => self.verify_and_remember(token, last).await,
        }
    }

    /// [`Self::verify_on_connection`] for a token that is not the connection's `last` one, which
    /// it becomes.
    pub async fn verify_and_remember(&self, token: &str, last: &LastToken) -> Result<Arc<Principal>, AuthError> {
        let checked = self.signature_checked(token).await?;
        last.remember(token, checked.verified.clone(), checked.verified_at, self.cache.ttl());
        let generation = self.revocation.generation();
        let verified = self.still_valid(checked.verified, checked.fresh).await?;
        last.valid_in(&verified, generation);
        Ok(verified.principal.clone())
    }

    /// The outcome for `token` (the header's bytes after `Bearer `, not yet read as text) if it is
    /// the connection's `last` one; `None` otherwise. Its expiry is checked again; its revocation
    /// only if the revocation state changed since it last passed.
    pub async fn verify_remembered(&self, token: &[u8], last: &LastToken) -> Option<Result<Arc<Principal>, AuthError>> {
        // Read before the check, so a state replaced during it is checked again next time.
        let generation = self.revocation.generation();
        let Recalled { principal, expires_at, recheck } = last.recall(token, generation)?;
        if self.expired(expires_at) {
            return Some(Err(AuthError::Expired));
        }
        if let Some(verified) = recheck {
            if let Err(refusal) = self.revocation.check_current(&verified).await {
                return Some(Err(refusal));
            }
            last.valid_in(&verified, generation);
        }
        Some(Ok(principal))
    }

    /// The token's verification, from the cache or checked now.
    async fn signature_checked(&self, token: &str) -> Result<Checked, AuthError> {
        let digests = TokenDigests::of(token);
        if let Some((verified, verified_at)) = self.cache.get(&digests.token) {
            return Ok(Checked { verified, verified_at, fresh: false });
        }
        // The claims are dropped here: a cached entry keeps only what requests read.
        let verified = Arc::new(self.verify_uncached(token, &digests).await?.0);
        let verified_at = self.cache.insert(digests.token, verified.clone());
        Ok(Checked { verified, verified_at, fresh: true })
    }

    /// A token verified earlier may have expired or been revoked since; one verified just now was
    /// checked for expiry then.
    async fn still_valid(&self, verified: Arc<Verified>, fresh: bool) -> Result<Arc<Verified>, AuthError> {
        if !fresh && self.expired(verified.expires_at) {
            return Err(AuthError::Expired);
        }
        self.revocation.check_current(&verified).await?;
        Ok(verified)
    }

    /// Whether a token verified earlier has expired since (by the coarse clock: a tick late at most).
    fn expired(&self, expires_at: Option<i64>) -> bool {
        expires_at.is_some_and(|exp| exp.saturating_add(self.policy.leeway) < (self.recheck_now)())
    }

    /// [`Self::verify`] for a sign-in's ID token, whose claims the sign-in checks further (nonce,
    /// audience, `at_hash`); not cached, as a sign-in verifies each ID token once.
    pub async fn verify_with_claims(&self, token: &str) -> Result<(Verified, Claims), AuthError> {
        let (verified, claims) = self.verify_uncached(token, &TokenDigests::of(token)).await?;
        self.revocation.check_current(&verified).await?;
        Ok((verified, claims))
    }

    async fn verify_uncached(&self, token: &str, digests: &TokenDigests) -> Result<(Verified, Claims), AuthError> {
        let mut jws = Jws::parse(token)?;
        let decoded_header;
        let header = match self.policy.own_headers.iter().find(|(part, _)| *part == jws.header) {
            Some((_, kid)) => Header { alg: Some("RS256".into()), kid: Some(kid.into()) },
            None => {
                decoded_header = decode_jws_part(jws.header).ok_or(AuthError::Malformed)?;
                Header::parse(&decoded_header)?
            }
        };
        let alg = header.alg.as_deref().unwrap_or("none");
        let kid = header.kid.as_deref();
        let own_keys = || self.policy.own_keys.iter().filter(|(id, _)| Some(id.as_str()) == kid).map(|(_, key)| key);
        let own = own_keys().next().is_some();
        let allowed = if own { Pinned::RS256 } else { self.policy.algorithm };
        if Pinned::parse(alg) != Some(allowed) {
            return Err(AuthError::AlgorithmNotAllowed(alg.chars().take(16).collect()));
        }
        // Trusted only once the signature checks out; read early for the original's order:
        // expiry before the signature, so an old token says "Expired token!".
        let claims = Claims::parse(std::mem::take(&mut jws.payload)).ok_or(AuthError::Malformed)?;
        let now = (self.now)();
        if claims.seconds("exp").is_some_and(|exp| exp.saturating_add(self.policy.leeway) < now) {
            return Err(AuthError::Expired);
        }
        let sha256 = digests.signing_input();
        let checks = |key: &SignatureKey| key.verify(jws.signing_input.as_bytes(), sha256.as_ref(), &jws.signature);
        let valid = if own {
            own_keys().any(checks)
        } else {
            let key = self.providers.resolve(kid).await?;
            if key.alg.as_deref().is_some_and(|a| a != alg) {
                return Err(AuthError::AlgorithmNotAllowed(alg.to_string()));
            }
            checks(&key.key)
        };
        if !valid {
            return Err(AuthError::BadSignature("the signature does not match the key".into()));
        }
        let verified = self.admit_signed(&claims, own, now, digests.token)?;
        Ok((verified, claims))
    }

    /// What follows a good signature: dates, issuer, audience, principal. Public so the fuzz
    /// target (fuzz/fuzz_targets/token.rs) reaches it without signing every input.
    pub fn admit_signed(&self, claims: &Claims, own: bool, now: i64, hash: TokenHash) -> Result<Verified, AuthError> {
        let Dates { expires_at, issued_at } = self.check_times(claims, now)?;
        if own {
            self.check_own_issuer(claims)?;
        } else {
            self.check_provider_claims(claims)?;
        }
        Ok(Verified {
            principal: self.principal_of(claims, own)?,
            own,
            token_type: own.then(|| claims.string("tokenType").and_then(crate::TokenType::parse)).flatten(),
            expires_at,
            issued_at,
            hash,
        })
    }

    /// The token's principal: derived, or for a token of Tessera's whose principal claim was seen
    /// before, the one derived then.
    fn principal_of(&self, claims: &Claims, own: bool) -> Result<Arc<Principal>, AuthError> {
        let authn = &self.config.authentication;
        let is_bot = own && claims.is_true("isBot");
        let shared_by = principal::derived_from_claim_alone(authn, own, is_bot)
            .then(|| principal::principal_claim(claims, authn))
            .flatten();
        if let Some(known) = shared_by.and_then(|claim| self.own_principals.get(claim, is_bot)) {
            return Ok(known);
        }
        let principal = Arc::new(principal::derive(claims, authn, &self.config.authorizer, own)?);
        if let Some(claim) = shared_by {
            self.own_principals.remember(claim, is_bot, &principal);
        }
        Ok(principal)
    }

    fn check_times(&self, claims: &Claims, now: i64) -> Result<Dates, AuthError> {
        // A date claim that is there must be a number: a string `iat` would otherwise be skipped.
        let expires_at = claims.date("exp").ok_or(AuthError::DateClaimInvalid("exp"))?;
        let not_before = claims.date("nbf").ok_or(AuthError::DateClaimInvalid("nbf"))?;
        let issued_at = claims.date("iat").ok_or(AuthError::DateClaimInvalid("iat"))?;
        let future = |date: Option<i64>| date.is_some_and(|t| t > now.saturating_add(self.policy.leeway));
        if future(not_before) || future(issued_at) {
            return Err(AuthError::NotYetValid);
        }
        Ok(Dates { expires_at, issued_at })
    }

    fn check_own_issuer(&self, claims: &Claims) -> Result<(), AuthError> {
        let found = claims.string("iss").unwrap_or_default();
        if found != self.policy.own_issuer {
            return Err(AuthError::IssuerMismatch { found: found.into(), expected: self.policy.own_issuer.clone() });
        }
        Ok(())
    }

    fn check_provider_claims(&self, claims: &Claims) -> Result<(), AuthError> {
        // OpenID ID tokens and JWT access tokens (RFC 9068) always carry these; a provider token
        // without `exp` would be valid forever.
        for required in ["sub", "iat", "exp"] {
            if !claims.has(required) {
                return Err(AuthError::RequiredClaimMissing(required));
            }
        }
        let unverified = matches!(claims.get("email_verified"), Some(Value::Bool(false)))
            || claims.string("email_verified").is_some_and(|v| v.eq_ignore_ascii_case("false"));
        if unverified && !self.config.tokens.allow_unverified_email {
            return Err(AuthError::EmailNotVerified);
        }
        if let Some(rule) = &self.policy.issuer_rule {
            let found = claims.string("iss").unwrap_or_default();
            if !rule.accepts_issuer(found) {
                return Err(AuthError::IssuerMismatch { found: found.into(), expected: rule.describe() });
            }
            if !rule.accepts_tenant(claims.string("tid")) {
                return Err(AuthError::TenantNotAllowed(claims.string("tid").unwrap_or_default().into()));
            }
        }
        if !self.policy.check_audience {
            return Ok(());
        }
        let audiences = claims.audiences();
        let expected = self.policy.audiences.join(", ");
        if !audiences.iter().any(|a| self.policy.audiences.contains(a)) {
            return Err(AuthError::AudienceMismatch { found: audiences.join(", "), expected });
        }
        if let Some(azp) = claims.string("azp")
            && !self.policy.client_ids.iter().any(|c| c == azp)
        {
            return Err(AuthError::AudienceMismatch { found: format!("azp {azp}"), expected });
        }
        Ok(())
    }
}
