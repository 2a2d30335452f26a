//! The web UI: `web/` embedded in the binary (no build step, nothing read from disk at run time).
//! UI paths answer `index.html` and the JS renders the view; `/api` is never shadowed because these
//! routes are exact paths and the API router's JSON fallback still answers everything else.

use crate::AppState;
use crate::route::Access::Public;
use crate::route::{Route, get};
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};

/// One embedded file.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $type:expr) => {
        Asset {
            path: concat!("/assets/", $path),
            content_type: $type,
            bytes: include_bytes!(concat!("../../../web/assets/", $path)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file under `web/assets/`, explicitly: nothing else is served.
pub const ASSETS: &[Asset] = &[
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("favicon.svg", "image/svg+xml"),
    asset!("js/main.js", JS),
    asset!("js/router.js", JS),
    asset!("js/dom.js", JS),
    asset!("js/config.js", JS),
    asset!("js/session.js", JS),
    asset!("js/jwt.js", JS),
    asset!("js/pkce.js", JS),
    asset!("js/oidc.js", JS),
    asset!("js/confidential.js", JS),
    asset!("js/auth.js", JS),
    asset!("js/api.js", JS),
    asset!("js/principal.js", JS),
    asset!("js/confirm.js", JS),
    asset!("js/clipboard.js", JS),
    asset!("js/expiry.js", JS),
    asset!("js/silent-callback.js", JS),
    asset!("js/views/signin.js", JS),
    asset!("js/views/callback.js", JS),
    asset!("js/views/signup.js", JS),
    asset!("js/views/home.js", JS),
    asset!("js/views/bots.js", JS),
    asset!("js/views/tokens.js", JS),
    asset!("js/views/logout.js", JS),
    asset!("js/views/problem.js", JS),
    asset!("js/catalog-links.js", JS),
    asset!("js/catalog-parts.js", JS),
    asset!("js/views/catalog.js", JS),
    asset!("js/views/catalog-search.js", JS),
    asset!("js/views/table.js", JS),
    asset!("js/views/table-edit.js", JS),
    asset!("js/views/table-lineage.js", JS),
    asset!("js/views/table-queries.js", JS),
    asset!("js/markdown.js", JS),
    asset!("js/views/ingest-guide.js", JS),
    asset!("js/views/admin-parts.js", JS),
    asset!("js/views/people.js", JS),
    asset!("js/views/access.js", JS),
    asset!("js/passwords.js", JS),
    asset!("js/views/password-forms.js", JS),
];

const INDEX_HTML: &[u8] = include_bytes!("../../../web/index.html");
const SILENT_CALLBACK_HTML: &[u8] = include_bytes!("../../../web/silent-callback.html");

/// Where the provider sends a silent renewal's answer (implicit flow, inside a hidden frame).
pub const SILENT_CALLBACK: &str = "/silent-callback";

/// The paths the UI renders itself. `/callback` and `/auth/callback` are routed by the sign-in
/// module: the server's code flow and its hand-off with a confidential client, [`index_page`]
/// otherwise.
pub const PAGES: &[&str] = &[
    "/",
    "/signin",
    "/signup",
    "/logout",
    "/settings/bots",
    "/settings/tokens",
    "/settings/password",
    "/settings/people",
    "/settings/access",
    "/catalog",
];

/// The UI's pages and files (`/callback` and `/auth/callback` are the sign-in module's, see [`PAGES`]).
pub fn routes() -> Vec<Route> {
    let mut routes = Vec::new();
    for page in PAGES {
        routes.push(get(*page, Public, |State(state): State<AppState>| async move { index_page(&state) }));
    }
    for asset in ASSETS {
        routes.push(get(asset.path, Public, move || async move { serve_asset(asset) }));
    }
    routes.push(get(SILENT_CALLBACK, Public, || async { silent_callback_page() }));
    routes
}

/// The frame's page: one script, framed only by Tessera's own pages, never cached.
fn silent_callback_page() -> Response {
    let mut response = ([(CONTENT_TYPE, "text/html; charset=utf-8")], SILENT_CALLBACK_HTML).into_response();
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_static("default-src 'none'; script-src 'self'; base-uri 'none'; frame-ancestors 'self'"),
    );
    common_headers(headers);
    response
}

/// `index.html` with its security headers.
pub fn index_page(state: &AppState) -> Response {
    let csp = content_security_policy(&state.provider_origins.current());
    let mut response = ([(CONTENT_TYPE, "text/html; charset=utf-8")], INDEX_HTML).into_response();
    let headers = response.headers_mut();
    // The page changes with every release: always revalidate.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_str(&csp).expect("the policy is built from checked ASCII"),
    );
    common_headers(headers);
    response
}

fn serve_asset(asset: &'static Asset) -> Response {
    let mut response = ([(CONTENT_TYPE, asset.content_type)], asset.bytes).into_response();
    let headers = response.headers_mut();
    // File names carry no hash, so keep the cache short: a release is picked up within minutes.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    common_headers(headers);
    response
}

fn common_headers(headers: &mut axum::http::HeaderMap) {
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // `/auth/callback?id_token=...` must never travel in a Referer.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}

/// No inline script or style; the browser may call only Tessera and the provider's origins its
/// discovery document names (discovery, token endpoint) and frame only them (silent renewal); the
/// UI may not be framed.
pub fn content_security_policy(provider_origins: &[String]) -> String {
    let origins =
        std::iter::once("'self'").chain(provider_origins.iter().map(String::as_str)).collect::<Vec<_>>().join(" ");
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src {origins}; frame-src {origins}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_names_self_and_the_provider_origins() {
        let csp = content_security_policy(&[]);
        assert!(csp.contains("connect-src 'self';"), "{csp}");
        let csp = content_security_policy(&["https://a.example".into(), "https://b.example".into()]);
        assert!(csp.contains("connect-src 'self' https://a.example https://b.example;"), "{csp}");
        assert!(csp.contains("frame-src 'self' https://a.example https://b.example;"), "{csp}");
    }

    #[test]
    fn every_asset_is_under_assets_and_typed() {
        for asset in ASSETS {
            assert!(asset.path.starts_with("/assets/") && !asset.bytes.is_empty(), "{}", asset.path);
            let ext = asset.path.rsplit('.').next().unwrap();
            let expected = match ext {
                "js" => JS,
                "css" => "text/css; charset=utf-8",
                "svg" => "image/svg+xml",
                other => panic!("no content type for .{other}"),
            };
            assert_eq!(asset.content_type, expected, "{}", asset.path);
        }
    }
}
