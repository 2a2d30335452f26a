//! The documentation's placeholders left in an env file (`{Domain}`, `{Client ID}`,
//! `{your domain}`, a URL wrapped in braces), each with a fix that names where the real value is
//! found for the provider in use.

use crate::lint::Finding;
use crate::problem::Problem;

/// Findings for one `key=value` line.
pub(crate) fn placeholders(line: usize, key: &str, value: &str, provider: &str, out: &mut Vec<Finding>) {
    let trimmed = value.trim();
    // Keycloak's page writes AUTHENTICATION_AUTHORITY={http://localhost:8080/realms/{your-realm}}.
    if let Some(inner) = trimmed.strip_prefix('{').and_then(|t| t.strip_suffix('}'))
        && inner.contains("://")
    {
        out.push(Finding {
            line: Some(line),
            problem: Problem::error(
                key,
                "the URL is wrapped in braces, as in the documentation's example",
                format!("remove the outer braces and fill in the URL: {key}={inner}"),
            ),
        });
    }
    let mut rest = value;
    let mut offset = 0;
    while let Some(start) = rest.find('{') {
        let absolute = offset + start;
        let Some(len) = rest[start..].find('}') else { break };
        let name = &rest[start + 1..start + len];
        let is_interpolation = absolute > 0 && value.as_bytes()[absolute - 1] == b'$';
        let looks_like_words =
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '_' || c == '-');
        if !is_interpolation && looks_like_words {
            out.push(Finding {
                line: Some(line),
                problem: Problem::error(key, format!("unreplaced placeholder {{{name}}}"), fix(name, provider)),
            });
        }
        offset = absolute + len + 1;
        rest = &value[offset..];
    }
}

/// Placeholders that stand for a whole URL, scheme included (unlike Auth0's `{Domain}`, which
/// the console shows without one).
const URL_PLACEHOLDERS: &[&str] = &["{ISSUER_URL}", "{Cognito Domain}"];

/// Whether `value` begins with a placeholder whose fix already asks for the scheme.
pub(crate) fn starts_with_url_placeholder(value: &str) -> bool {
    URL_PLACEHOLDERS.iter().any(|p| value.trim_start().starts_with(p))
}

/// Where a provider shows an application's client id and secret.
fn client_page(provider: &str) -> &'static str {
    match provider {
        "auth0" => "on your Auth0 application's Settings tab",
        "okta" => "on your Okta app integration's General tab",
        "azure" => "on your Entra ID app registration's Overview (Application (client) ID) and Certificates & secrets",
        "google" => "in Google Cloud console, APIs & Services, Credentials, your OAuth client",
        "aws-cognito" => "in your Cognito user pool, App integration, App clients",
        "custom-oidc" => "in your identity provider's client settings (Keycloak: Clients, your client)",
        _ => "in your identity provider's settings for this application",
    }
}

fn fix(name: &str, provider: &str) -> String {
    match name.to_lowercase().as_str() {
        "domain" if provider == "auth0" => {
            "replace {Domain} with your Auth0 domain including https://, e.g. https://dev-abc123.us.auth0.com".into()
        }
        "your domain" => {
            "replace {your domain} with the address where Tessera is reachable, e.g. metadata.example.com".into()
        }
        "client id" | "client_id" => format!("replace {{{name}}} with the client ID {}", client_page(provider)),
        "client secret" | "client_secret" => format!("replace {{{name}}} with the client secret {}", client_page(provider)),
        "cognito domain" => {
            "replace {Cognito Domain} with https://cognito-idp.<region>.amazonaws.com, e.g. https://cognito-idp.us-west-1.amazonaws.com".into()
        }
        "user pool id" => "replace {User Pool ID} with the pool's ID from Cognito's User pools list, e.g. us-west-1_DL8xfTzj8".into(),
        "issuer_url" => {
            "replace {ISSUER_URL} with your Okta authorization server's Issuer URI (Security, API), e.g. https://dev-123456.okta.com/oauth2/default".into()
        }
        "tenant id" => "replace {Tenant ID} with the Directory (tenant) ID on your app registration's Overview".into(),
        "your-realm" => "replace {your-realm} with your Keycloak realm's name".into(),
        _ => format!("replace {{{name}}} with the real value"),
    }
}
