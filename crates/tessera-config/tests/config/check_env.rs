use std::path::PathBuf;
use tessera_config::lint::{Report, lint};

/// An env file of OpenMetadata's documentation page, as the repository keeps it
/// (`fixtures/openmetadata-docs/`, origin in `fixtures/README.md`).
fn seed_env(name: &str) -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../fixtures/openmetadata-docs/auth0_{name}.env"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("the fixture {} is needed: {e}", path.display()))
}

fn has(report: &Report, line: usize, var: &str, needle: &str, error: bool) -> bool {
    report.findings.iter().any(|f| {
        f.line == Some(line)
            && f.problem.var == var
            && f.problem.is_error() == error
            && f.problem.message.contains(needle)
    })
}

#[test]
fn seed_implicit_env_file() {
    let text = seed_env("implicit");
    let report = lint(&text);
    let shown = report.render("implicit.env");
    // Line numbers count from the block's first line, the "# Implicit Flow" comment.
    assert!(has(&report, 7, "AUTHENTICATION_PUBLIC_KEYS", "unreplaced placeholder {Domain}", true), "{shown}");
    assert!(has(&report, 7, "AUTHENTICATION_PUBLIC_KEYS", "unreplaced placeholder {your domain}", true), "{shown}");
    assert!(has(&report, 7, "AUTHENTICATION_PUBLIC_KEYS", "has no https://", true), "{shown}");
    assert!(has(&report, 8, "AUTHENTICATION_AUTHORITY", "unreplaced placeholder {Domain}", true), "{shown}");
    assert!(has(&report, 8, "AUTHENTICATION_AUTHORITY", "has no https://", true), "{shown}");
    assert!(has(&report, 9, "AUTHENTICATION_CLIENT_ID", "unreplaced placeholder {Client ID}", true), "{shown}");
    // Correct lines raise nothing: the admin list, the comment-laden domain, ` public`.
    for line in [1, 2, 3, 4, 5, 6, 10, 11] {
        assert!(report.findings.iter().all(|f| f.line != Some(line)), "line {line} flagged:\n{shown}");
    }
    assert_eq!(report.exit_code(), 2, "{shown}");
    assert!(shown.contains("fix: replace {Domain} with your Auth0 domain including https://"), "{shown}");
}

#[test]
fn seed_authcode_env_file() {
    let text = seed_env("authcode");
    let report = lint(&text);
    let shown = report.render("authcode.env");
    assert!(has(&report, 9, "AUTHENTICATION_CLIENT_ID", "unreplaced placeholder {Client ID}", true), "{shown}");
    assert!(has(&report, 13, "OIDC_CLIENT_ID", "unreplaced placeholder {Client ID}", true), "{shown}");
    assert!(has(&report, 15, "OIDC_CLIENT_SECRET", "unreplaced placeholder {Client Secret}", true), "{shown}");
    // `KEY: value` lines: docker compose v2 reads them (checked against compose itself in
    // crates/tessera/tests/cli/compose.rs), other env-file readers skip them: a warning.
    assert!(has(&report, 16, "OIDC_DISCOVERY_URI", "uses a colon", false), "{shown}");
    assert!(has(&report, 17, "OIDC_CALLBACK", "uses a colon", false), "{shown}");
    assert!(shown.contains("fix: write OIDC_CALLBACK=http://localhost:8585/callback\n"), "{shown}");
    assert!(
        shown.contains("fix: write OIDC_DISCOVERY_URI=http://{Domain}/.well-known/openid-configuration\n"),
        "{shown}"
    );
    // Compose reads line 16, so its value is checked: the docs' placeholder and http:// for https.
    assert!(has(&report, 16, "OIDC_DISCOVERY_URI", "unreplaced placeholder {Domain}", true), "{shown}");
    // Auth0 without offline_access: every refresh would log the user out.
    assert!(
        report.findings.iter().any(|f| f.problem.var == "OIDC_SCOPE"
            && !f.problem.is_error()
            && f.problem.message.contains("offline_access")),
        "{shown}"
    );
    assert_eq!(report.exit_code(), 2);
}

const CLEAN: &str = "\
AUTHORIZER_CLASS_NAME=org.openmetadata.service.security.DefaultAuthorizer
AUTHORIZER_REQUEST_FILTER=org.openmetadata.service.security.JwtFilter
AUTHORIZER_ADMIN_PRINCIPALS=[john.doe]           # john.doe from john.doe@example.com
AUTHORIZER_PRINCIPAL_DOMAIN=example.com
AUTHENTICATION_PROVIDER=auth0
AUTHENTICATION_PUBLIC_KEYS=[https://dev-abc.us.auth0.com/.well-known/jwks.json, http://localhost:8585/api/v1/system/config/jwks]
AUTHENTICATION_AUTHORITY=https://dev-abc.us.auth0.com
AUTHENTICATION_CLIENT_ID=Xy12Ab
AUTHENTICATION_CALLBACK_URL=http://localhost:8585/callback
AUTHENTICATION_CLIENT_TYPE= confidential
OIDC_CLIENT_ID=Xy12Ab
OIDC_TYPE=auth0
OIDC_CLIENT_SECRET=averysecretvalue
OIDC_SCOPE=\"openid email profile offline_access\"
OIDC_DISCOVERY_URI=https://dev-abc.us.auth0.com/.well-known/openid-configuration
OIDC_CALLBACK=http://localhost:8585/callback
";

#[test]
fn a_correct_file_is_clean() {
    let report = lint(CLEAN);
    assert_eq!(report.exit_code(), 0, "{}", report.render("clean.env"));
}

#[test]
fn each_mistake_is_caught_with_its_line() {
    let cases: &[(&str, &str, &str, bool)] = &[
        (
            "AUTHENTICATION_PUBLIC_KEYS=[https://dev-abc.us.auth0.com/.well-known/jwks.json]",
            "AUTHENTICATION_PUBLIC_KEYS",
            "/api/v1/system/config/jwks is missing",
            false,
        ),
        ("AUTHENTICATION_AUTHORITY=http://dev-abc.us.auth0.com", "AUTHENTICATION_AUTHORITY", "serves only https", true),
        ("OIDC_CALLBACK=http://localhost:8585/other", "OIDC_CALLBACK", "disagree", true),
        ("OIDC_SCOPE=openid email profile", "OIDC_SCOPE", "lacks offline_access", false),
        ("AUTHORIZER_ADMIN_PRINCIPALS=[admin, ingestion-bot]", "AUTHORIZER_ADMIN_PRINCIPALS", "is a bot", true),
        (
            "AUTHENTICATION_CALBACK_URL=http://localhost:8585/callback",
            "AUTHENTICATION_CALBACK_URL",
            "unknown variable",
            false,
        ),
        ("OIDC_CLIENT_SECRET=", "OIDC_CLIENT_SECRET", "Client Secret is required", true),
        ("OIDC_CLIENT_SECRET=averysecret$value", "OIDC_CLIENT_SECRET", "replaces $value", false),
    ];
    for (replacement, var, needle, error) in cases {
        let key = replacement.split('=').next().unwrap();
        let mut replaced = false;
        let mut text: Vec<String> = CLEAN
            .lines()
            .map(|l| {
                if l.starts_with(&format!("{key}=")) {
                    replaced = true;
                    replacement.to_string()
                } else {
                    l.to_string()
                }
            })
            .collect();
        if !replaced {
            text.push(replacement.to_string());
        }
        let line = text.iter().position(|l| l == replacement).unwrap() + 1;
        let report = lint(&text.join("\n"));
        let shown = report.render("case.env");
        assert!(has(&report, line, var, needle, *error), "{replacement}: expected {needle:?} on line {line}\n{shown}");
        assert_eq!(report.exit_code(), if *error { 2 } else { 1 }, "{replacement}\n{shown}");
    }
}
