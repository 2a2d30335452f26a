//! Which `iss` values name the configured identity provider. Most providers write the authority
//! as their issuer; Entra ID and Google do not:
//! - Entra ID's authority is `https://login.microsoftonline.com/<tenant>`; its v2 tokens name
//!   `<authority-origin>/<tenant-id>/v2.0`, its v1 tokens `https://sts.windows.net/<tenant-id>/`.
//!   A `common` or `organizations` authority would accept every tenant in the world, so it needs
//!   an explicit list of tenant ids (`TESSERA_AZURE_TENANT_IDS`).
//! - Google's ID tokens name `https://accounts.google.com` or, from some flows, `accounts.google.com`.

use crate::reader::Reader;

const TENANTS: &str = "TESSERA_AZURE_TENANT_IDS";
const V1: &str = "TESSERA_AZURE_ACCEPT_V1_TOKENS";
const AZURE_V1_ISSUER_ORIGIN: &str = "https://sts.windows.net";

/// What a provider token's `iss` (and, for Entra ID, `tid`) must be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssuerRule {
    /// Accepted issuers, without a trailing slash (a token's is compared the same way).
    pub issuers: Vec<String>,
    /// Entra ID: the tenant ids a token's `tid` must be one of; empty for other providers.
    pub tenants: Vec<String>,
}

impl IssuerRule {
    pub fn accepts_issuer(&self, issuer: &str) -> bool {
        let issuer = without_trailing_slash(issuer);
        self.issuers.iter().any(|accepted| accepted == issuer)
    }

    /// `tid` is checked only where tenants are configured (Entra ID), and must then be present.
    pub fn accepts_tenant(&self, tid: Option<&str>) -> bool {
        self.tenants.is_empty() || tid.is_some_and(|tid| self.tenants.iter().any(|t| t.eq_ignore_ascii_case(tid)))
    }

    /// For messages: the accepted issuers.
    pub fn describe(&self) -> String {
        self.issuers.join(" or ")
    }
}

impl crate::AuthenticationConfig {
    /// Where the provider publishes its discovery document: under the authority, and for Entra ID
    /// under its v2.0 endpoint (the authority's own document describes v1 tokens).
    pub fn discovery_url(&self) -> String {
        let authority = without_trailing_slash(&self.authority);
        let base = if self.provider == "azure" && !authority.ends_with("/v2.0") {
            format!("{authority}/v2.0")
        } else {
            authority.to_string()
        };
        format!("{base}/.well-known/openid-configuration")
    }
}

fn without_trailing_slash(issuer: &str) -> &str {
    issuer.trim().trim_end_matches('/')
}

/// The rule for `provider` with `authority` (already checked to be an http(s) URL or empty).
pub(crate) fn read_issuer_rule(r: &mut Reader, provider: &str, authority: &str) -> IssuerRule {
    let listed = read_tenant_ids(r);
    let accept_v1 = r.boolean(V1);
    let authority = without_trailing_slash(authority);
    match provider {
        "azure" => azure(r, authority, listed, accept_v1),
        "google" => {
            let bare = authority.trim_start_matches("https://").trim_start_matches("http://");
            IssuerRule { issuers: vec![authority.to_string(), bare.to_string()], tenants: Vec::new() }
        }
        _ => IssuerRule { issuers: vec![authority.to_string()], tenants: Vec::new() },
    }
}

fn azure(r: &mut Reader, authority: &str, listed: Vec<String>, accept_v1: bool) -> IssuerRule {
    let Ok(url) = url::Url::parse(authority) else { return IssuerRule::default() };
    let origin = url.origin().ascii_serialization();
    let tenant = url.path_segments().and_then(|mut s| s.next()).unwrap_or_default().to_string();
    let mut tenants = listed;
    match tenant.to_ascii_lowercase().as_str() {
        "" => r.error(
            "AUTHENTICATION_AUTHORITY",
            format!("{authority:?} names no Entra ID tenant"),
            "write https://login.microsoftonline.com/<your Directory (tenant) ID>",
        ),
        "common" | "organizations" | "consumers" if tenants.is_empty() => r.error(
            "AUTHENTICATION_AUTHORITY",
            format!("the {tenant:?} authority would accept sign-ins from any Entra ID tenant"),
            format!("list the tenant ids whose users may sign in in {TENANTS}, or use your tenant's own authority"),
        ),
        "common" | "organizations" | "consumers" => {}
        _ if is_tenant_id(&tenant) && !tenants.iter().any(|t| t.eq_ignore_ascii_case(&tenant)) => {
            tenants.push(tenant.to_ascii_lowercase());
        }
        _ if is_tenant_id(&tenant) => {}
        _ if tenants.is_empty() => r.error(
            "AUTHENTICATION_AUTHORITY",
            format!("the tenant {tenant:?} is named by domain, but Entra ID tokens name it by id"),
            format!("set {TENANTS} to the tenant's Directory (tenant) ID, shown on its Overview page"),
        ),
        _ => {}
    }
    let mut issuers: Vec<String> = tenants.iter().map(|t| format!("{origin}/{t}/v2.0")).collect();
    if accept_v1 {
        issuers.extend(tenants.iter().map(|t| format!("{AZURE_V1_ISSUER_ORIGIN}/{t}")));
    }
    IssuerRule { issuers, tenants }
}

/// `TESSERA_AZURE_TENANT_IDS` and a tenant id in `OIDC_TENANT`, lower-cased.
fn read_tenant_ids(r: &mut Reader) -> Vec<String> {
    let mut tenants = Vec::new();
    for id in r.list(TENANTS) {
        if is_tenant_id(&id) {
            tenants.push(id.to_ascii_lowercase());
        } else {
            r.error(
                TENANTS,
                format!("{id:?} is not a tenant id"),
                "write Directory (tenant) IDs such as 72f988bf-86f1-41af-91ab-2d7cd011db47",
            );
        }
    }
    let oidc_tenant = r.text("OIDC_TENANT");
    if is_tenant_id(&oidc_tenant) && !tenants.contains(&oidc_tenant.to_ascii_lowercase()) {
        tenants.push(oidc_tenant.to_ascii_lowercase());
    }
    tenants
}

/// A GUID: 8-4-4-4-12 hexadecimal digits.
fn is_tenant_id(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> IssuerRule {
        IssuerRule { issuers: vec!["https://idp.example/t/v2.0".into()], tenants: vec!["abc".into()] }
    }

    #[test]
    fn issuers_compare_without_a_trailing_slash_and_tenants_by_id() {
        assert!(rule().accepts_issuer("https://idp.example/t/v2.0/"));
        assert!(!rule().accepts_issuer("https://idp.example/t"));
        assert!(rule().accepts_tenant(Some("ABC")));
        assert!(!rule().accepts_tenant(Some("abd")));
        assert!(!rule().accepts_tenant(None), "with tenants configured, a token must name one");
        assert!(IssuerRule::default().accepts_tenant(None));
    }

    #[test]
    fn tenant_ids_are_guids() {
        assert!(is_tenant_id("72f988bf-86f1-41af-91ab-2d7cd011db47"));
        assert!(!is_tenant_id("contoso.onmicrosoft.com"));
        assert!(!is_tenant_id("72f988bf-86f1-41af-91ab-2d7cd011db4"));
        assert!(!is_tenant_id("common"));
    }
}
