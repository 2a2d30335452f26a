//! `check-env` findings specific to one identity provider: the mistakes each provider's console
//! and documentation invite (the server's validation reports the rest, e.g. an Entra ID
//! authority without a tenant).

use crate::envfile::EnvFile;
use crate::lint::Finding;
use crate::problem::Problem;
use std::collections::BTreeMap;

const GOOGLE_KEYS: &str = "https://www.googleapis.com/oauth2/v3/certs";

pub(crate) fn provider_checks(file: &EnvFile, vars: &BTreeMap<String, String>, provider: &str, out: &mut Vec<Finding>) {
    let get = |k: &str| vars.get(k).map(|v| v.trim().trim_matches('"').to_string()).filter(|v| !v.is_empty());
    let authority = get("AUTHENTICATION_AUTHORITY").unwrap_or_default();
    let host = url::Url::parse(&authority).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase));
    let mut warn = |var: &str, message: String, fix: String| {
        out.push(Finding { line: file.line_of(var), problem: Problem::warning(var, message, fix) });
    };
    match provider {
        "google" => {
            if authority.ends_with('/') {
                warn(
                    "AUTHENTICATION_AUTHORITY",
                    format!("{authority:?} ends with a slash, but Google's issuer has none"),
                    "write AUTHENTICATION_AUTHORITY=https://accounts.google.com".into(),
                );
            }
            let keys = get("AUTHENTICATION_PUBLIC_KEYS").unwrap_or_default();
            if !crate::value::loose_list(&keys).iter().any(|k| k.trim_end_matches('/') == GOOGLE_KEYS) {
                warn(
                    "AUTHENTICATION_PUBLIC_KEYS",
                    "Google's signing keys are not listed, so no Google token can be verified".into(),
                    format!("add {GOOGLE_KEYS} to the list"),
                );
            }
        }
        "aws-cognito" if host.as_deref().is_some_and(|h| h.ends_with(".amazoncognito.com")) => warn(
            "AUTHENTICATION_AUTHORITY",
            format!("{authority:?} is the hosted-UI domain, not the user pool's issuer"),
            "write https://cognito-idp.<region>.amazonaws.com/<user pool id>, e.g. https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123".into(),
        ),
        "azure" if host.as_deref() == Some("sts.windows.net") => warn(
            "AUTHENTICATION_AUTHORITY",
            format!("{authority:?} is Entra ID's v1 token issuer, not its authority"),
            "write https://login.microsoftonline.com/<tenant id>; accept v1 tokens with TESSERA_AZURE_ACCEPT_V1_TOKENS=true".into(),
        ),
        _ => {}
    }
}
