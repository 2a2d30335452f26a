//! Who a verified token speaks for (compat §2.5.1): the same rules for provider tokens and for
//! Tessera's own, so a bot token and an SSO token of one user resolve to the same name.

use super::claims::Claims;
use super::error::AuthError;
use tessera_config::{AuthenticationConfig, AuthorizerConfig};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Lower-cased user name (the part before `@`).
    pub name: String,
    /// Lower-cased email.
    pub email: String,
    pub is_bot: bool,
    /// With `AUTHORIZER_USE_ROLES_FROM_PROVIDER`: the role names a provider token carries.
    pub provider_roles: Option<Vec<String>>,
    /// A provider token's account: its issuer (`iss`) and subject (`sub`); `None` for Tessera's
    /// own tokens. A user who signed up with one account is never another account's.
    pub account: Option<ProviderAccount>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderAccount {
    pub issuer: String,
    pub subject: String,
}

pub fn derive(
    claims: &Claims,
    authn: &AuthenticationConfig,
    authz: &AuthorizerConfig,
    own_token: bool,
) -> Result<Principal, AuthError> {
    let is_bot = own_token && claims.is_true("isBot");
    let principal = match claims_mapping(authn, is_bot) {
        Some(mapping) => {
            let username = claims.string(&mapping.username).ok_or(AuthError::MappedUsernameMissing)?;
            let email = claims.string(&mapping.email).unwrap_or_default();
            if !email.contains('@') {
                return Err(AuthError::MappedEmailInvalid(email.to_string()));
            }
            Principal {
                name: local_part(username),
                email: email.to_lowercase(),
                is_bot,
                provider_roles: None,
                account: None,
            }
        }
        None => {
            let value = principal_claim(claims, authn).ok_or_else(|| {
                tracing::warn!(claims_present = ?claims.names(), expected = ?authn.jwt_principal_claims, "no principal claim in token");
                AuthError::NoPrincipalClaim(authn.jwt_principal_claims.clone())
            })?;
            let email = if value.contains('@') {
                value.to_lowercase()
            } else {
                format!("{}@{}", value.to_lowercase(), authz.principal_domain)
            };
            Principal { name: local_part(value), email, is_bot, provider_roles: None, account: None }
        }
    };
    // `@example.com` would be the user with no name (found by the fuzz target `token`).
    if principal.name.trim().is_empty() {
        return Err(AuthError::PrincipalNameEmpty(principal.email));
    }
    if authz.enforce_principal_domain && !is_bot {
        enforce_domain(&principal, authz)?;
    }
    let provider_roles =
        (authz.use_roles_from_provider && !own_token).then(|| roles(claims, &authz.provider_roles_claim));
    let account = if own_token {
        None
    } else {
        let (issuer, subject) = (claims.string("iss"), claims.string("sub"));
        issuer.zip(subject).map(|(issuer, subject)| ProviderAccount { issuer: issuer.into(), subject: subject.into() })
    };
    Ok(Principal { provider_roles, account, ..principal })
}

/// The value of the first configured principal claim (`AUTHENTICATION_JWT_PRINCIPAL_CLAIMS`) the
/// token has.
pub fn principal_claim<'a>(claims: &'a Claims, authn: &AuthenticationConfig) -> Option<&'a str> {
    authn.jwt_principal_claims.iter().find_map(|c| claims.string(c))
}

/// Whether [`derive`] reads nothing but [`principal_claim`] and `isBot` (see `own_principals.rs`).
pub fn derived_from_claim_alone(authn: &AuthenticationConfig, own_token: bool, is_bot: bool) -> bool {
    own_token && claims_mapping(authn, is_bot).is_none()
}

/// The claims mapping a user's token is read with (`AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING`);
/// a bot's token never is.
fn claims_mapping(authn: &AuthenticationConfig, is_bot: bool) -> Option<&tessera_config::ClaimsMapping> {
    authn.jwt_principal_claims_mapping.as_ref().filter(|_| !is_bot)
}

/// Role names from a claim holding a list of strings (or one string); anything else is no roles.
/// A claim of that exact name wins (Auth0's namespaced `https://your.app/roles` has dots);
/// otherwise the name is a dotted path into nested claims (Keycloak's `realm_access.roles`).
fn roles(claims: &Claims, claim: &str) -> Vec<String> {
    let nested = || {
        let mut parts = claim.split('.');
        let first = claims.get(parts.next()?)?;
        parts.try_fold(first, |value, part| value.get(part).cloned())
    };
    match claims.get(claim).or_else(nested) {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        Some(serde_json::Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

fn local_part(value: &str) -> String {
    value.split('@').next().unwrap_or(value).to_lowercase()
}

fn enforce_domain(principal: &Principal, authz: &AuthorizerConfig) -> Result<(), AuthError> {
    let domain = principal.email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    if authz.allowed_domains.is_empty() {
        if !domain.eq_ignore_ascii_case(&authz.principal_domain) {
            return Err(AuthError::DomainMismatch(authz.principal_domain.clone()));
        }
    } else if !authz.allowed_domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) {
        return Err(AuthError::DomainMismatch(domain.to_string()));
    }
    Ok(())
}
