//! `tessera check-env`: everything that would go wrong with an env file, found before deploying it.
//! It runs the server's own validation on the variables docker compose would pass, and adds the
//! mistakes that validation cannot see (lines compose skips or that other tools read differently,
//! placeholders left from the docs, http where the provider only serves https, settings that
//! disagree).

use crate::envfile::EnvFile;
use crate::load::load;
use crate::load_auth::is_oidc_provider;
use crate::problem::{Problem, Severity};
use crate::settings::{STRICT_PREFIXES, closest_known, is_known};
use crate::source::Sources;
use std::collections::{BTreeMap, BTreeSet};

/// A problem with the line it is on, when it is on one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: Option<usize>,
    pub problem: Problem,
}

/// The outcome of a lint, in line order.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    /// 0 when clean, 1 on warnings only, 2 on errors.
    pub fn exit_code(&self) -> i32 {
        match self.findings.iter().map(|f| f.problem.severity).max() {
            None => 0,
            Some(Severity::Warning) => 1,
            Some(Severity::Error) => 2,
        }
    }

    pub fn render(&self, file_name: &str) -> String {
        let mut out = String::new();
        for f in &self.findings {
            let location = f.line.map(|l| format!("{file_name}:{l}")).unwrap_or_else(|| file_name.to_string());
            out.push_str(&format!("{location}: {}\n", f.problem));
        }
        let errors = self.findings.iter().filter(|f| f.problem.is_error()).count();
        let warnings = self.findings.len() - errors;
        if self.findings.is_empty() {
            out.push_str(&format!("{file_name}: no problems found\n"));
        } else {
            out.push_str(&format!("{file_name}: {errors} error(s), {warnings} warning(s)\n"));
        }
        out
    }
}

/// Extra prefixes where an unknown key in an env file is worth a warning.
const LINT_PREFIXES: &[&str] = &["DB_", "SERVER_", "RSA_", "TESSERA_", "SAML_"];
const HOSTED_PROVIDERS: &[&str] = &["auth0", "okta", "azure", "google", "aws-cognito"];
const OWN_JWKS_PATH: &str = "/api/v1/system/config/jwks";

pub fn lint(text: &str) -> Report {
    let file = EnvFile::parse(text);
    let vars = file.vars();
    let mut skipped_lines = Vec::new();
    for bad in &file.bad_lines {
        let var = bad.text.split([':', '=']).next().unwrap_or("line").trim().to_string();
        skipped_lines.push(Finding { line: Some(bad.line), problem: Problem::error(var, &bad.reason, &bad.fix) });
    }
    let mut own = Vec::new();
    duplicates(&file, &mut own);
    colon_lines(&file, &mut own);
    unset_references(&file, &mut own);
    let provider = vars.get("AUTHENTICATION_PROVIDER").map(|p| p.trim().to_lowercase()).unwrap_or_default();
    for entry in &file.entries {
        crate::lint_placeholders::placeholders(entry.line, &entry.key, &entry.value, &provider, &mut own);
    }
    url_schemes(&file, &vars, &provider, &mut own);
    own_jwks(&file, &vars, &provider, &mut own);
    confidential_checks(&file, &vars, &provider, &mut own);
    crate::lint_providers::provider_checks(&file, &vars, &provider, &mut own);
    unknown_keys(&file, &mut own);

    // The server's own validation, minus what a finding above already explains better.
    let explained: BTreeSet<String> = own.iter().map(|f| f.problem.var.clone()).collect();
    let mut findings = own;
    findings.append(&mut skipped_lines);
    for problem in load(&Sources::from_vars(vars)).problems {
        if !explained.contains(&problem.var) {
            findings.push(Finding { line: file.line_of(&problem.var), problem });
        }
    }
    findings.sort_by_key(|f| (f.line.unwrap_or(usize::MAX), std::cmp::Reverse(f.problem.severity)));
    findings.dedup();
    Report { findings }
}

fn duplicates(file: &EnvFile, out: &mut Vec<Finding>) {
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in &file.entries {
        if let Some(earlier) = first.insert(&entry.key, entry.line) {
            out.push(Finding {
                line: Some(entry.line),
                problem: Problem::warning(
                    &entry.key,
                    format!("also set on line {earlier}; this later value wins"),
                    "keep one definition",
                ),
            });
        }
    }
}

/// `KEY: value` (in the seed document itself): docker compose v2 reads it as `KEY=value`, but
/// docker-compose v1, a shell's `source` and most other env-file readers skip the line.
fn colon_lines(file: &EnvFile, out: &mut Vec<Finding>) {
    for entry in file.entries.iter().filter(|e| e.colon) {
        let key = &entry.key;
        out.push(Finding {
            line: Some(entry.line),
            problem: Problem::warning(
                key,
                format!("`{key}: ...` uses a colon: docker compose v2 reads it, but docker-compose v1 and shells skip the line"),
                format!("write {key}={}", entry.value.trim_matches('"')),
            ),
        });
    }
}

/// `$name` in a value is compose interpolation: an unset `name` silently becomes nothing, e.g. in a
/// password that happens to contain `$`.
fn unset_references(file: &EnvFile, out: &mut Vec<Finding>) {
    for entry in file.entries.iter().filter(|e| !e.unset_refs.is_empty()) {
        let names = entry.unset_refs.iter().map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
        out.push(Finding {
            line: Some(entry.line),
            problem: Problem::warning(
                &entry.key,
                format!("docker compose replaces {names} with the value of a variable no earlier line sets, i.e. with nothing"),
                "write $$ for a literal $, or put the whole value in single quotes",
            ),
        });
    }
}

fn is_local_host(url: &str) -> bool {
    let host = url.split("://").nth(1).unwrap_or(url).split(['/', ':']).next().unwrap_or_default();
    host == "localhost"
        || host.starts_with("127.")
        || host == "[::1]"
        || host == "host.docker.internal"
        || !host.contains('.')
}

fn url_schemes(file: &EnvFile, vars: &BTreeMap<String, String>, provider: &str, out: &mut Vec<Finding>) {
    let hosted = HOSTED_PROVIDERS.contains(&provider);
    let mut check = |key: &str, url: &str| {
        let line = file.line_of(key);
        if crate::lint_placeholders::starts_with_url_placeholder(url) {
            return; // its placeholder's finding already asks for the whole URL
        }
        if !url.contains("://") {
            let fix = format!("write the full URL with its scheme: https://{}", url.trim_start_matches('/'));
            out.push(Finding { line, problem: Problem::error(key, format!("{url:?} has no https:// in front"), fix) });
        } else if hosted && url.starts_with("http://") && !is_local_host(url) {
            out.push(Finding {
                line,
                problem: Problem::error(
                    key,
                    format!("{url:?} uses http://, but {provider} serves only https"),
                    format!("write {}", url.replacen("http://", "https://", 1)),
                ),
            });
        }
    };
    if let Some(authority) = vars.get("AUTHENTICATION_AUTHORITY") {
        check("AUTHENTICATION_AUTHORITY", authority);
    }
    if let Some(keys) = vars.get("AUTHENTICATION_PUBLIC_KEYS") {
        for url in crate::value::loose_list(keys) {
            check("AUTHENTICATION_PUBLIC_KEYS", &url);
        }
    }
    if let Some(discovery) = vars.get("OIDC_DISCOVERY_URI").filter(|d| !d.is_empty()) {
        check("OIDC_DISCOVERY_URI", discovery);
    }
}

fn own_jwks(file: &EnvFile, vars: &BTreeMap<String, String>, provider: &str, out: &mut Vec<Finding>) {
    let Some(keys) = vars.get("AUTHENTICATION_PUBLIC_KEYS") else { return };
    if is_oidc_provider(provider)
        && !crate::value::loose_list(keys).iter().any(|u| u.trim_end_matches('/').ends_with(OWN_JWKS_PATH))
    {
        out.push(Finding {
            line: file.line_of("AUTHENTICATION_PUBLIC_KEYS"),
            problem: Problem::warning(
                "AUTHENTICATION_PUBLIC_KEYS",
                "the server's own /api/v1/system/config/jwks is missing: OpenMetadata would reject every bot token (Tessera checks its own keys regardless)",
                "add it to the list, e.g. [https://<tenant>/.well-known/jwks.json, http://localhost:8585/api/v1/system/config/jwks]",
            ),
        });
    }
}

fn confidential_checks(file: &EnvFile, vars: &BTreeMap<String, String>, provider: &str, out: &mut Vec<Finding>) {
    let get = |k: &str| vars.get(k).map(|v| v.trim().trim_matches('"').to_string()).filter(|v| !v.is_empty());
    let confidential = get("AUTHENTICATION_CLIENT_TYPE").is_some_and(|t| t.eq_ignore_ascii_case("confidential"));
    let app_callback = get("AUTHENTICATION_CALLBACK_URL");
    let oidc_callback = get("OIDC_CALLBACK");
    let effective_oidc = oidc_callback.clone().unwrap_or_else(|| "http://localhost:8585/callback".into());
    if let Some(app) = &app_callback {
        let disagree = app.trim_end_matches('/') != effective_oidc.trim_end_matches('/');
        if disagree && (confidential || oidc_callback.is_some()) {
            let message = format!("OIDC_CALLBACK ({effective_oidc}) and AUTHENTICATION_CALLBACK_URL ({app}) disagree");
            let fix = format!("set both to the same URL, e.g. OIDC_CALLBACK={app}");
            let line = file.line_of("OIDC_CALLBACK").or(file.line_of("AUTHENTICATION_CALLBACK_URL"));
            let problem = if confidential {
                Problem::error("OIDC_CALLBACK", message, fix)
            } else {
                Problem::warning("OIDC_CALLBACK", message, fix)
            };
            out.push(Finding { line, problem });
        }
    }
    let is_auth0 = provider == "auth0" || get("OIDC_TYPE").is_some_and(|t| t.eq_ignore_ascii_case("auth0"));
    let scope = get("OIDC_SCOPE").unwrap_or_else(|| "openid email profile".into());
    if confidential && is_auth0 && !scope.split_whitespace().any(|s| s == "offline_access") {
        out.push(Finding {
            line: file.line_of("OIDC_SCOPE").or(file.line_of("AUTHENTICATION_CLIENT_TYPE")),
            problem: Problem::warning(
                "OIDC_SCOPE",
                format!("{scope:?} lacks offline_access: Auth0 then issues no refresh token and every refresh logs the user out"),
                "set OIDC_SCOPE=\"openid email profile offline_access\" and enable Allow Offline Access on the Auth0 API",
            ),
        });
    }
}

fn unknown_keys(file: &EnvFile, out: &mut Vec<Finding>) {
    for entry in &file.entries {
        let strict = STRICT_PREFIXES.iter().any(|p| entry.key.starts_with(p));
        let linted = LINT_PREFIXES.iter().any(|p| entry.key.starts_with(p));
        if strict || !linted || is_known(&entry.key) {
            continue; // strict prefixes are reported by the server's validation
        }
        let fix = closest_known(&entry.key).map(|k| format!("did you mean {k}?")).unwrap_or_else(|| "remove it".into());
        out.push(Finding {
            line: Some(entry.line),
            problem: Problem::warning(&entry.key, "unknown variable: neither Tessera nor OpenMetadata reads it", fix),
        });
    }
}
