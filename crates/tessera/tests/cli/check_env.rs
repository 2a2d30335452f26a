use crate::support::*;

/// An env file of OpenMetadata's documentation page (`implicit` or `authcode`), as the repository
/// keeps it (`fixtures/openmetadata-docs/`, origin in `fixtures/README.md`).
pub fn seed_block(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../fixtures/openmetadata-docs/auth0_{name}.env"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("the fixture {} is needed: {e}", path.display()))
}

fn check(text: &str) -> (i32, String) {
    let env = Env::new();
    let file = env.dir.path().join("openmetadata_auth0.env");
    std::fs::write(&file, text).unwrap();
    let output = env.run(&["check-env", file.to_str().unwrap()]);
    (output.status.code().unwrap(), stdout(&output))
}

#[test]
fn seed_files_exit_2_with_line_numbers() {
    let (code, out) = check(&seed_block("implicit"));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("openmetadata_auth0.env:9: error: AUTHENTICATION_CLIENT_ID: unreplaced placeholder {Client ID}"),
        "{out}"
    );
    let (code, out) = check(&seed_block("authcode"));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("openmetadata_auth0.env:16: warning: OIDC_DISCOVERY_URI: `OIDC_DISCOVERY_URI: ...` uses a colon"),
        "{out}"
    );
}

#[test]
fn clean_and_warning_only_exit_codes() {
    let clean = "AUTHENTICATION_PROVIDER=auth0\nAUTHENTICATION_AUTHORITY=https://t.eu.auth0.com\nAUTHENTICATION_CLIENT_ID=abc\n\
                 AUTHENTICATION_PUBLIC_KEYS=[https://t.eu.auth0.com/.well-known/jwks.json, http://localhost:8585/api/v1/system/config/jwks]\n";
    let (code, out) = check(clean);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no problems found"), "{out}");
    let (code, out) = check(&format!("{clean}AUTHENTICATION_CALBACK_URL=http://localhost:8585/callback\n"));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("did you mean AUTHENTICATION_CALLBACK_URL?"), "{out}");
}

#[test]
fn missing_file_is_a_clear_error() {
    let env = Env::new();
    let output = env.run(&["check-env", "/nonexistent.env"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot read /nonexistent.env"), "{}", stderr(&output));
}
