//! What each identity provider's issuer looks like, and `check-env`'s provider-specific findings.

use std::collections::BTreeMap;
use tessera_config::lint::lint;
use tessera_config::{AuthenticationConfig, Sources, load};

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OTHER_TENANT: &str = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";

fn loaded(pairs: &[(&str, &str)]) -> Result<AuthenticationConfig, Vec<String>> {
    let mut vars: BTreeMap<String, String> =
        [("AUTHENTICATION_CLIENT_ID", "client")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    vars.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let loaded = load(&Sources::from_vars(vars));
    match loaded.config {
        Some(config) => Ok(config.authentication),
        None => Err(loaded.problems.iter().filter(|p| p.is_error()).map(|p| p.to_string()).collect()),
    }
}

fn azure(authority: &str, extra: &[(&str, &str)]) -> Result<AuthenticationConfig, Vec<String>> {
    let mut pairs = vec![("AUTHENTICATION_PROVIDER", "azure"), ("AUTHENTICATION_AUTHORITY", authority)];
    pairs.extend_from_slice(extra);
    loaded(&pairs)
}

#[test]
fn entra_id_tokens_name_the_tenant_and_v2() {
    let authn = azure(&format!("https://login.microsoftonline.com/{TENANT}"), &[]).unwrap();
    let rule = &authn.issuer_rule;
    assert!(rule.accepts_issuer(&format!("https://login.microsoftonline.com/{TENANT}/v2.0")));
    assert!(
        !rule.accepts_issuer(&format!("https://login.microsoftonline.com/{TENANT}")),
        "the authority is not the issuer"
    );
    assert!(!rule.accepts_issuer(&format!("https://sts.windows.net/{TENANT}/")), "v1 only when asked for");
    assert!(!rule.accepts_issuer(&format!("https://login.microsoftonline.com/{OTHER_TENANT}/v2.0")));
    assert!(rule.accepts_tenant(Some(TENANT)) && !rule.accepts_tenant(Some(OTHER_TENANT)));
    assert_eq!(
        authn.discovery_url(),
        format!("https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration")
    );

    let v1 =
        azure(&format!("https://login.microsoftonline.com/{TENANT}/"), &[("TESSERA_AZURE_ACCEPT_V1_TOKENS", "true")])
            .unwrap();
    assert!(v1.issuer_rule.accepts_issuer(&format!("https://sts.windows.net/{TENANT}/")));
}

#[test]
fn entra_id_multi_tenant_authorities_need_an_allow_list() {
    for authority in ["https://login.microsoftonline.com/common", "https://login.microsoftonline.com/organizations"] {
        let errors = azure(authority, &[]).unwrap_err();
        assert!(
            errors.iter().any(|e| e.contains("any Entra ID tenant") && e.contains("TESSERA_AZURE_TENANT_IDS")),
            "{errors:?}"
        );
    }
    let listed =
        azure("https://login.microsoftonline.com/common", &[("TESSERA_AZURE_TENANT_IDS", &format!("[{TENANT}]"))])
            .unwrap();
    assert!(listed.issuer_rule.accepts_issuer(&format!("https://login.microsoftonline.com/{TENANT}/v2.0")));
    assert!(!listed.issuer_rule.accepts_issuer(&format!("https://login.microsoftonline.com/{OTHER_TENANT}/v2.0")));

    let errors = azure("https://login.microsoftonline.com/contoso.onmicrosoft.com", &[]).unwrap_err();
    assert!(errors.iter().any(|e| e.contains("named by domain")), "{errors:?}");
    let errors = azure("https://login.microsoftonline.com", &[]).unwrap_err();
    assert!(errors.iter().any(|e| e.contains("names no Entra ID tenant")), "{errors:?}");
    let errors =
        azure("https://login.microsoftonline.com/common", &[("TESSERA_AZURE_TENANT_IDS", "[contoso]")]).unwrap_err();
    assert!(errors.iter().any(|e| e.contains("is not a tenant id")), "{errors:?}");
    // The confidential page's OIDC_TENANT counts as an accepted tenant.
    let by_oidc_tenant = azure("https://login.microsoftonline.com/organizations", &[("OIDC_TENANT", TENANT)]).unwrap();
    assert_eq!(by_oidc_tenant.issuer_rule.tenants, vec![TENANT.to_string()]);
}

#[test]
fn google_issuer_with_or_without_its_scheme_and_others_as_written() {
    let google =
        loaded(&[("AUTHENTICATION_PROVIDER", "google"), ("AUTHENTICATION_AUTHORITY", "https://accounts.google.com")])
            .unwrap();
    assert!(google.issuer_rule.accepts_issuer("https://accounts.google.com"));
    assert!(google.issuer_rule.accepts_issuer("accounts.google.com"));
    assert!(!google.issuer_rule.accepts_issuer("https://evil.example"));
    assert!(google.issuer_rule.accepts_tenant(None), "no tenant check outside Entra ID");

    let cognito = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC";
    let authn = loaded(&[("AUTHENTICATION_PROVIDER", "aws-cognito"), ("AUTHENTICATION_AUTHORITY", cognito)]).unwrap();
    assert!(authn.issuer_rule.accepts_issuer(cognito) && !authn.issuer_rule.accepts_issuer("accounts.google.com"));
    assert_eq!(authn.discovery_url(), format!("{cognito}/.well-known/openid-configuration"));
}

fn finds(text: &str, var: &str, needle: &str) -> bool {
    lint(text).findings.iter().any(|f| f.problem.var == var && f.problem.message.contains(needle))
}

/// Whether a finding about `var` suggests a fix containing `needle`.
fn suggests(text: &str, var: &str, needle: &str) -> bool {
    lint(text).findings.iter().any(|f| f.problem.var == var && f.problem.fix.contains(needle))
}

#[test]
fn check_env_knows_each_providers_mistakes() {
    let google = "AUTHENTICATION_PROVIDER=google\nAUTHENTICATION_AUTHORITY=https://accounts.google.com/\n\
                  AUTHENTICATION_CLIENT_ID=x.apps.googleusercontent.com\n\
                  AUTHENTICATION_PUBLIC_KEYS=[http://localhost:8585/api/v1/system/config/jwks]\n";
    assert!(finds(google, "AUTHENTICATION_AUTHORITY", "Google's issuer has none"), "{}", lint(google).render("g.env"));
    assert!(finds(google, "AUTHENTICATION_PUBLIC_KEYS", "Google's signing keys are not listed"));
    let fixed = google
        .replace("google.com/\n", "google.com\n")
        .replace("[http", "[https://www.googleapis.com/oauth2/v3/certs, http");
    assert!(
        !finds(&fixed, "AUTHENTICATION_AUTHORITY", "Google") && !finds(&fixed, "AUTHENTICATION_PUBLIC_KEYS", "Google")
    );

    let cognito = "AUTHENTICATION_PROVIDER=aws-cognito\nAUTHENTICATION_CLIENT_ID=abc\n\
                   AUTHENTICATION_AUTHORITY=https://catalog.auth.eu-west-1.amazoncognito.com\n";
    assert!(finds(cognito, "AUTHENTICATION_AUTHORITY", "hosted-UI domain"), "{}", lint(cognito).render("c.env"));

    let azure = format!(
        "AUTHENTICATION_PROVIDER=azure\nAUTHENTICATION_CLIENT_ID=abc\nAUTHENTICATION_AUTHORITY=https://sts.windows.net/{TENANT}/\n"
    );
    assert!(finds(&azure, "AUTHENTICATION_AUTHORITY", "v1 token issuer"), "{}", lint(&azure).render("a.env"));
    let common = "AUTHENTICATION_PROVIDER=azure\nAUTHENTICATION_CLIENT_ID=abc\nAUTHENTICATION_AUTHORITY=https://login.microsoftonline.com/common\n";
    assert!(finds(common, "AUTHENTICATION_AUTHORITY", "any Entra ID tenant"), "{}", lint(common).render("a.env"));
}

#[test]
fn roles_come_from_where_each_provider_puts_them() {
    let claim = |pairs: &[(&str, &str)]| {
        let mut vars: BTreeMap<String, String> =
            [("AUTHENTICATION_CLIENT_ID", "client")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        vars.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        load(&Sources::from_vars(vars)).config.unwrap().authorizer.provider_roles_claim
    };
    let cognito = [
        ("AUTHENTICATION_PROVIDER", "aws-cognito"),
        ("AUTHENTICATION_AUTHORITY", "https://cognito-idp.eu-west-1.amazonaws.com/p"),
    ];
    assert_eq!(claim(&cognito), "cognito:groups");
    let keycloak =
        [("AUTHENTICATION_PROVIDER", "custom-oidc"), ("AUTHENTICATION_AUTHORITY", "https://kc.example/realms/data")];
    assert_eq!(claim(&keycloak), "realm_access.roles");
    assert_eq!(
        claim(&[("AUTHENTICATION_PROVIDER", "okta"), ("AUTHENTICATION_AUTHORITY", "https://o.example/oauth2/default")]),
        "groups"
    );
    assert_eq!(
        claim(&[("AUTHENTICATION_PROVIDER", "auth0"), ("AUTHENTICATION_AUTHORITY", "https://t.auth0.com")]),
        "roles"
    );
    let mut named = keycloak.to_vec();
    named.push(("TESSERA_PROVIDER_ROLES_CLAIM", "resource_access.catalog.roles"));
    assert_eq!(claim(&named), "resource_access.catalog.roles");
}

fn docs_env(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/openmetadata-docs/");
    std::fs::read_to_string(format!("{path}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// Each provider page's env file: its placeholders are flagged, and once filled in as the page
/// says it loads with no provider-specific finding; the mistakes its readers make are caught.
#[test]
fn the_provider_pages_env_files() {
    let azure = docs_env("azure_implicit.env");
    let report = lint(&azure);
    assert!(finds(&azure, "AUTHENTICATION_AUTHORITY", "{Tenant ID}"), "{}", report.render("azure.env"));
    let filled = azure
        .replace("{Tenant ID}", TENANT)
        .replace("{CLIENT_ID}", "4a1b2c3d-0000-4000-8000-000000000001")
        .replace("https://{your domain}", "https://catalog.example.com");
    let report = lint(&filled);
    assert!(report.findings.iter().all(|f| !f.problem.is_error()), "{}", report.render("azure.env"));
    assert!(!finds(&filled, "AUTHENTICATION_AUTHORITY", ""), "{}", report.render("azure.env"));
    for (tenant, finding) in [("common", "any Entra ID tenant"), ("contoso.onmicrosoft.com", "named by domain")] {
        let wrong = filled.replace(TENANT, tenant);
        assert!(finds(&wrong, "AUTHENTICATION_AUTHORITY", finding), "{}", lint(&wrong).render("azure.env"));
    }

    let google = docs_env("google.env");
    assert!(finds(&google, "AUTHENTICATION_CLIENT_ID", "{Client ID}"), "{}", lint(&google).render("google.env"));
    let filled = google
        .replace("{Client ID}", "1234-abc.apps.googleusercontent.com")
        .replace("https://{your domain}", "https://catalog.example.com");
    let report = lint(&filled);
    assert!(report.findings.iter().all(|f| !f.problem.is_error()), "{}", report.render("google.env"));
    assert!(
        !finds(&filled, "AUTHENTICATION_AUTHORITY", "Google")
            && !finds(&filled, "AUTHENTICATION_PUBLIC_KEYS", "Google")
    );
    let slash = filled.replace(
        "AUTHENTICATION_AUTHORITY=https://accounts.google.com",
        "AUTHENTICATION_AUTHORITY=https://accounts.google.com/",
    );
    assert!(finds(&slash, "AUTHENTICATION_AUTHORITY", "Google's issuer has none"));

    let cognito = docs_env("cognito.env");
    assert!(suggests(&cognito, "AUTHENTICATION_CLIENT_ID", "App clients"), "{}", lint(&cognito).render("cognito.env"));
    assert!(suggests(&cognito, "AUTHENTICATION_AUTHORITY", "https://cognito-idp.<region>.amazonaws.com"));
    let filled = cognito
        .replace("{Cognito Domain}", "https://cognito-idp.us-west-1.amazonaws.com")
        .replace("{User Pool ID}", "us-west-1_DL8xfTzj8")
        .replace("{Client ID}", "4b1tq0cb0c0d0e0f0g0h0i0j0k")
        .replace("https://{your domain}", "https://catalog.example.com");
    assert_no_errors(&filled, "cognito.env");

    let okta = docs_env("okta_implicit.env");
    assert!(suggests(&okta, "AUTHENTICATION_AUTHORITY", "Issuer URI"), "{}", lint(&okta).render("okta.env"));
    assert!(!finds(&okta, "AUTHENTICATION_AUTHORITY", "no https://"), "the placeholder's finding is enough");
    let filled = okta
        .replace("{ISSUER_URL}", "https://dev-123456.okta.com/oauth2/default")
        .replace("{CLIENT_ID}", "0oabc123def456ghi789")
        .replace("https://{your domain}", "https://catalog.example.com");
    assert_no_errors(&filled, "okta.env");

    let keycloak = docs_env("keycloak_implicit.env");
    assert!(
        finds(&keycloak, "AUTHENTICATION_AUTHORITY", "wrapped in braces"),
        "{}",
        lint(&keycloak).render("keycloak.env")
    );
    let filled = keycloak
        .replace("{http://localhost:8080/realms/{your-realm}}", "http://localhost:8080/realms/data-sec")
        .replace("https://{your domain}", "https://catalog.example.com");
    assert_no_errors(&filled, "keycloak.env");
}

fn assert_no_errors(env: &str, name: &str) {
    let report = lint(env);
    assert!(report.findings.iter().all(|f| !f.problem.is_error()), "{}", report.render(name));
}

#[test]
fn ldap_needs_its_directory_and_refuses_to_trust_any_certificate() {
    let base = [
        ("AUTHENTICATION_PROVIDER", "ldap"),
        ("AUTHENTICATION_LDAP_HOST", "ldap.example.com"),
        ("AUTHENTICATION_LOOKUP_ADMIN_DN", "cn=admin,dc=example,dc=com"),
        ("AUTHENTICATION_LOOKUP_ADMIN_PWD", "secret"),
        ("AUTHENTICATION_USER_LOOKUP_BASEDN", "ou=people,dc=example,dc=com"),
    ];
    let load_with = |extra: &[(&str, &str)]| {
        let mut vars: BTreeMap<String, String> = base.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        load(&Sources::from_vars(vars))
    };
    let plain = load_with(&[]);
    let ldap = plain.config.as_ref().unwrap().ldap.clone().unwrap();
    assert_eq!((ldap.port, ldap.tls, ldap.mail_attribute.as_str(), ldap.pool_size), (389, false, "mail", 3));
    assert!(
        plain.problems.iter().any(|p| p.var == "AUTHENTICATION_LDAP_SSL_ENABLED" && p.message.contains("unencrypted"))
    );

    let trust_all = load_with(&[("AUTHENTICATION_LDAP_SSL_ENABLED", "true")]);
    assert!(
        trust_all
            .errors()
            .any(|p| p.var == "AUTHENTICATION_LDAP_TRUSTSTORE_TYPE" && p.message.contains("any certificate"))
    );
    let custom = load_with(&[
        ("AUTHENTICATION_LDAP_SSL_ENABLED", "true"),
        ("AUTHENTICATION_LDAP_TRUSTSTORE_TYPE", "CustomTrustStore"),
        ("AUTHENTICATION_LDAP_TRUSTSTORE_PATH", "/etc/ssl/directory-ca.pem"),
    ]);
    let ldap = custom.config.unwrap().ldap.unwrap();
    assert_eq!((ldap.port, ldap.trust), (636, tessera_config::LdapTrust::CaFile("/etc/ssl/directory-ca.pem".into())));

    let missing =
        load(&Sources::from_vars(BTreeMap::from([("AUTHENTICATION_PROVIDER".to_string(), "ldap".to_string())])));
    let vars: Vec<&str> = missing.errors().map(|p| p.var.as_str()).collect();
    for var in ["AUTHENTICATION_LDAP_HOST", "AUTHENTICATION_LOOKUP_ADMIN_DN", "AUTHENTICATION_USER_LOOKUP_BASEDN"] {
        assert!(vars.contains(&var), "{var} missing from {vars:?}");
    }
    let saml = load(&Sources::from_vars(BTreeMap::from([("AUTHENTICATION_PROVIDER".to_string(), "saml".to_string())])));
    assert!(
        saml.errors().any(|p| p.var == "AUTHENTICATION_PROVIDER" && p.fix.contains("ldap")),
        "SAML's refusal names what works"
    );
}

#[test]
fn ldap_groups_map_to_roles_as_json_or_yaml() {
    let vars = |mapping: &str, member: &str| {
        load_ldap_groups(&[("AUTHENTICATION_USER_GROUP_MEMBER_ATTR", member), ("AUTH_ROLES_MAPPING", mapping)])
    };
    let json = vars(
        r#"{"CN=Stewards,ou=groups,dc=example,dc=com":["DataSteward"],"cn=admins,ou=groups,dc=example,dc=com":"Admin"}"#,
        "member",
    );
    let groups = json.config.unwrap().ldap.unwrap().groups.unwrap();
    assert_eq!(
        groups.mapping["cn=stewards,ou=groups,dc=example,dc=com"],
        vec!["DataSteward"],
        "DNs compared lower-cased"
    );
    assert_eq!(groups.mapping["cn=admins,ou=groups,dc=example,dc=com"], vec!["Admin"]);
    let bad = vars("[DataSteward]", "member(");
    let vars_with_errors: Vec<&str> = bad.errors().map(|p| p.var.as_str()).collect();
    assert!(vars_with_errors.contains(&"AUTH_ROLES_MAPPING"), "{vars_with_errors:?}");
    assert!(vars_with_errors.contains(&"AUTHENTICATION_USER_GROUP_MEMBER_ATTR"), "{vars_with_errors:?}");
}

#[test]
fn ldap_role_reassignment_all_some_or_none() {
    let groups_with = |reassign: &str| {
        load_ldap_groups(&[
            ("AUTHENTICATION_USER_ROLE_ADMIN_NAME", "Admin"),
            ("AUTH_ROLES_MAPPING", r#"{"cn=a,ou=groups,dc=example,dc=com":["DataSteward"]}"#),
            ("AUTH_REASSIGN_ROLES", reassign),
        ])
    };
    use tessera_config::RoleReassignment;
    let all = groups_with("[*]");
    assert_eq!(all.config.unwrap().ldap.unwrap().groups.unwrap().reassign, RoleReassignment::All);
    let some = groups_with("[DataSteward, Admin]").config.unwrap().ldap.unwrap().groups.unwrap().reassign;
    assert!(some.decides_admin("Admin") && !some.decides_admin("Other"));
    let (current, mapped) = (["DataConsumer".to_string(), "DataSteward".to_string()], ["Admin".to_string()]);
    assert_eq!(some.roles_after(&current, &mapped), ["DataConsumer", "Admin"], "DataSteward is the groups' to give");
    assert_eq!(RoleReassignment::All.roles_after(&current, &mapped), ["Admin"]);
    let none = groups_with("");
    assert!(
        none.problems.iter().any(|p| p.var == "AUTH_REASSIGN_ROLES" && p.fix.contains("[*]")),
        "an empty list with a mapping is pointed out: {:?}",
        none.problems
    );
}

/// An LDAP configuration with group lookups (`member` of `groupOfNames` under ou=groups), with
/// `extra` variables on top (later ones win).
fn load_ldap_groups(extra: &[(&str, &str)]) -> tessera_config::Loaded {
    let base = [
        ("AUTHENTICATION_PROVIDER", "ldap"),
        ("AUTHENTICATION_LDAP_HOST", "127.0.0.1"),
        ("AUTHENTICATION_LOOKUP_ADMIN_DN", "cn=admin,dc=example,dc=com"),
        ("AUTHENTICATION_LOOKUP_ADMIN_PWD", "secret"),
        ("AUTHENTICATION_USER_LOOKUP_BASEDN", "ou=people,dc=example,dc=com"),
        ("AUTHENTICATION_GROUP_LOOKUP_BASEDN", "ou=groups,dc=example,dc=com"),
        ("AUTHENTICATION_USER_GROUP_ATTR", "objectClass"),
        ("AUTHENTICATION_USER_GROUP_ATTR_VALUE", "groupOfNames"),
        ("AUTHENTICATION_USER_GROUP_MEMBER_ATTR", "member"),
    ];
    let vars = base.iter().chain(extra).map(|(k, v)| (k.to_string(), v.to_string())).collect();
    load(&Sources::from_vars(vars))
}
