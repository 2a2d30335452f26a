//! The embedded web UI: pages, assets, security headers, and that `/api` keeps its JSON errors.

use crate::{call, server};
use axum::http::{StatusCode, header};
use tessera_http::ui::{ASSETS, PAGES};

const AUTHORITY: &[(&str, &str)] = &[
    ("AUTHENTICATION_PROVIDER", "auth0"),
    ("AUTHENTICATION_AUTHORITY", "https://dev-x.us.auth0.com/"),
    ("AUTHENTICATION_CLIENT_ID", "tessera-spa"),
    ("AUTHENTICATION_CALLBACK_URL", "http://localhost:8585/callback"),
];

fn get(path: &str) -> axum::http::Request<axum::body::Body> {
    tessera_http::request("GET", path)
}

fn directives(csp: &str) -> Vec<(String, Vec<String>)> {
    csp.split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace().map(str::to_string);
            Some((words.next()?, words.collect()))
        })
        .collect()
}

#[tokio::test]
async fn ui_pages_are_index_html_with_security_headers() {
    let s = server(AUTHORITY).await;
    for page in PAGES {
        let (status, headers, body) = call(&s.api, get(page)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8", "{page}");
        let html = body.as_str().unwrap();
        assert!(html.starts_with("<!doctype html>") && html.contains("/assets/js/main.js"), "{page}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
        let csp = directives(headers["content-security-policy"].to_str().unwrap());
        let get = |name: &str| csp.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default();
        assert_eq!(get("default-src"), ["'self'"]);
        assert_eq!(get("script-src"), ["'self'"], "no inline script");
        assert_eq!(get("frame-ancestors"), ["'none'"]);
        assert_eq!(get("connect-src"), ["'self'", "https://dev-x.us.auth0.com"], "the provider's origin, no path");
        assert_eq!(get("frame-src"), ["'self'", "https://dev-x.us.auth0.com"], "silent renewal's hidden frame");
        assert!(!csp.iter().flat_map(|(_, v)| v).any(|v| v.contains("unsafe")), "{csp:?}");
    }
}

#[tokio::test]
async fn the_silent_renewal_page_is_framed_only_by_tessera_and_never_cached() {
    let s = server(AUTHORITY).await;
    let (status, headers, body) = call(&s.api, get("/silent-callback")).await;
    assert_eq!(status, StatusCode::OK);
    let html = body.as_str().unwrap();
    assert!(html.contains("<script type=\"module\" src=\"/assets/js/silent-callback.js\">"), "{html}");
    assert!(!html.contains("main.js"), "the frame does not boot the whole UI");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "the answer is in the URL");
    let csp = directives(headers["content-security-policy"].to_str().unwrap());
    let get = |name: &str| csp.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default();
    assert_eq!(get("frame-ancestors"), ["'self'"]);
    assert_eq!(get("default-src"), ["'none'"]);
    assert_eq!(get("script-src"), ["'self'"]);
}

#[tokio::test]
async fn html_has_no_inline_script_or_style() {
    let s = server(&[]).await;
    let (_, _, body) = call(&s.api, get("/")).await;
    let html = body.as_str().unwrap();
    // Every <script> has a src, and nothing relies on what the CSP blocks.
    assert_eq!(html.matches("<script").count(), html.matches("<script type=\"module\" src=").count());
    for blocked in ["<style", "style=", "onclick=", "onload=", "javascript:", "http://", "https://"] {
        assert!(!html.contains(blocked), "index.html contains {blocked}");
    }
}

#[tokio::test]
async fn every_asset_is_served_with_its_type() {
    let s = server(&[]).await;
    for asset in ASSETS {
        let response = tower::ServiceExt::oneshot(s.api.clone(), get(asset.path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{}", asset.path);
        let headers = response.headers().clone();
        assert_eq!(headers[header::CONTENT_TYPE], asset.content_type, "{}", asset.path);
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=300");
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        assert_eq!(&bytes[..], asset.bytes, "{}", asset.path);
    }
    let (_, headers, _) = call(&s.api, get("/assets/js/main.js")).await;
    assert_eq!(headers[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
    let (_, headers, _) = call(&s.api, get("/assets/app.css")).await;
    assert_eq!(headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
}

/// A file added to `web/assets` but not to the table would be a 404 in production.
#[test]
fn the_asset_table_lists_every_file_in_web_assets() {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                out.push(format!("/assets/{}", path.strip_prefix(root).unwrap().to_str().unwrap()));
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/assets");
    let mut on_disk = Vec::new();
    walk(&root, &root, &mut on_disk);
    on_disk.sort();
    let mut listed: Vec<String> = ASSETS.iter().map(|a| a.path.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[tokio::test]
async fn api_paths_keep_their_json_errors() {
    let s = server(AUTHORITY).await;
    for path in ["/api/v1/no/such/thing", "/api/v1/callback", "/api/assets/app.css", "/api/v1/users/loggedInUser"] {
        let (status, headers, body) = call(&s.api, get(path)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{path}");
        assert_eq!(body["message"], "Not Authorized! Token not present", "{path}");
    }
    // A public API path still answers its JSON, without the UI page's headers.
    let (status, headers, body) = call(&s.api, get("/api/v1/system/version")).await;
    assert_eq!((status, body["version"].is_string()), (StatusCode::OK, true));
    assert!(!headers.contains_key("content-security-policy"));
}

#[tokio::test]
async fn unknown_ui_paths_and_other_methods_are_json_errors() {
    let s = server(&[]).await;
    for path in ["/assets/nope.js", "/assets/js/../index.html", "/settings", "/signin/x", "/index.html"] {
        let (status, headers, body) = call(&s.api, get(path)).await;
        assert_eq!((status, body["code"].as_u64()), (StatusCode::NOT_FOUND, Some(404)), "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{path}");
    }
    for (method, path) in [("POST", "/"), ("PUT", "/signin"), ("DELETE", "/assets/app.css"), ("POST", "/callback")] {
        let (status, _, body) = call(&s.api, tessera_http::request(method, path)).await;
        assert_eq!(
            (status, body["reason"].as_str()),
            (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn head_works_like_get_for_pages() {
    let s = server(&[]).await;
    let (status, headers, _) = call(&s.api, tessera_http::request("HEAD", "/settings/bots")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.contains_key("content-security-policy"));
}

#[tokio::test]
async fn index_page_is_usable_by_the_callback_merge() {
    let s = server(AUTHORITY).await;
    let response = tessera_http::ui::index_page(&s.state);
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-security-policy"].to_str().unwrap().contains("https://dev-x.us.auth0.com"));
}

#[tokio::test]
async fn ui_pages_need_no_token_and_ignore_a_bad_one() {
    let s = server(&[]).await;
    for path in ["/", "/callback", "/assets/js/main.js"] {
        let request = axum::http::Request::builder()
            .uri(path)
            .header(header::AUTHORIZATION, "Bearer not.a.token")
            .body(axum::body::Body::empty())
            .unwrap();
        let (status, headers, _) = call(&s.api, request).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!headers.contains_key(header::WWW_AUTHENTICATE), "{path}");
    }
}

#[tokio::test]
async fn ui_routes_leave_both_callbacks_to_the_sign_in_module() {
    let s = server(&[]).await;
    let router = tessera_http::route::router(&s.state, tessera_http::ui::routes()).with_state(s.state.clone());
    for path in ["/callback", "/auth/callback"] {
        let (status, _, _) = call(&router, get(path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    // With a public client both are the web UI's page, whatever the query.
    for path in ["/callback", "/auth/callback", "/auth/callback?id_token=a.b.c"] {
        let (status, headers, _) = call(&s.api, get(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(headers.contains_key("content-security-policy"), "{path}");
    }
}
