//! Every route is declared once with who may call it (`tessera_http::route`), and the
//! declarations hold on the built router: each declared route is routed, nothing but the public
//! ones answers without a token, admin-only routes refuse a data consumer with the original's
//! message, and the OpenAPI document lists every route with its access.

use crate::accounts::{api, data_consumer, request, session};
use crate::{call, server};
use axum::http::StatusCode;
use serde_json::json;
use tessera_authz::Operation::ViewBasic;
use tessera_http::route::{Access, declarations};

#[test]
fn declarations_are_unique_and_cover_the_api() {
    let all = declarations();
    assert!(all.len() > 100, "{} declarations", all.len());
    let mut seen = std::collections::HashSet::new();
    for d in &all {
        assert!(seen.insert((d.method.clone(), d.path.clone())), "{} {} is declared twice", d.method, d.path);
    }
    let users = all.iter().find(|d| d.method == "GET" && d.path == "/api/v1/users").unwrap();
    assert_eq!(users.access, Access::Operation("user", ViewBasic));
}

/// Walks the built router with every declaration: each one is routed (never the router's own 404
/// or 405), and a method nobody declared on a declared path is a 405.
#[tokio::test]
async fn the_built_router_serves_exactly_the_declarations() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let all = declarations();
    for d in &all {
        let body = (d.method != "GET" && d.method != "DELETE").then(|| json!({}));
        let (status, _, reply) = call(&s.api, request(d.method.as_str(), &concrete(&d.path), &admin, body)).await;
        let unrouted = status == StatusCode::METHOD_NOT_ALLOWED
            || (status == StatusCode::NOT_FOUND && reply["message"] == tessera_http::error::messages::NOT_FOUND);
        assert!(!unrouted, "{} {} is declared but not routed: {status} {reply}", d.method, d.path);
    }
    for d in all.iter().filter(|d| d.path.starts_with("/api/")) {
        for method in ["GET", "PUT", "POST", "PATCH", "DELETE"] {
            if all.iter().any(|o| o.path == d.path && o.method == method) {
                continue;
            }
            let (status, _, reply) = call(&s.api, request(method, &concrete(&d.path), &admin, None)).await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {}: {reply}", d.path);
        }
    }
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_with_its_access() {
    let s = server(&[]).await;
    let (status, _, doc) = call(&s.api, tessera_http::request("GET", "/api/v1/openapi.json")).await;
    assert_eq!(status, StatusCode::OK, "public, as the original's /swagger.json");
    assert_eq!(doc["openapi"], "3.0.3");
    for d in declarations().iter().filter(|d| d.path.starts_with("/api/")) {
        let operation = &doc["paths"][&d.path][d.method.as_str().to_ascii_lowercase()];
        assert_eq!(operation["x-tessera-access"], d.access.describe(), "{} {}: {operation}", d.method, d.path);
        let needs_token = operation["security"].as_array().is_some_and(|s| !s.is_empty());
        assert_eq!(needs_token, d.access != Access::Public, "{} {}", d.method, d.path);
    }
    let in_doc: usize = doc["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    let api_routes = declarations().iter().filter(|d| d.path.starts_with("/api/")).count();
    assert_eq!(in_doc, api_routes, "nothing in the document that is not declared");
}

fn concrete(template: &str) -> String {
    template
        .replace("{id}", "00000000-0000-0000-0000-000000000000")
        .replace("{name}", "someone")
        .replace("{expression}", "isOwner()")
        .replace("{resource}", "table")
        .replace("{fqn}", "svc.db")
        .replace("{version}", "0.1")
}

#[tokio::test]
async fn nothing_but_public_routes_answers_without_a_token() {
    let s = server(&[]).await;
    for d in declarations().iter().filter(|d| d.access != Access::Public) {
        let (status, _, body) = call(&s.api, tessera_http::request(d.method.as_str(), &concrete(&d.path))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{} {}: {body}", d.method, d.path);
    }
}

#[tokio::test]
async fn declarations_are_enforced_for_a_data_consumer() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    for d in declarations().iter().filter(|d| d.access == Access::Admin) {
        let body = (d.method != "GET" && d.method != "DELETE").then(|| json!({}));
        let (status, _, reply) = call(&s.api, request(d.method.as_str(), &concrete(&d.path), &dana, body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{} {}: {reply}", d.method, d.path);
        assert_eq!(
            reply["message"], "Principal: CatalogPrincipal{name='dana'} is not admin",
            "{} {}",
            d.method, d.path
        );
    }
    // Reads a data consumer may do (DataConsumerPolicy: ViewAll on all).
    for path in ["/api/v1/users", "/api/v1/bots", "/api/v1/policies", "/api/v1/roles", "/api/v1/teams"] {
        let (status, _) = api(&s, "GET", path, &dana, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn a_bot_gets_only_its_own_roles() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let bot_user = json!({"name": "metrics-bot", "email": "metrics-bot@open-metadata.org", "isBot": true});
    let (status, user) = api(&s, "PUT", "/api/v1/users", &admin, Some(bot_user)).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let bot = json!({"name": "metrics-bot", "botUser": "metrics-bot"});
    let (status, created) = api(&s, "POST", "/api/v1/bots", &admin, Some(bot)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = user["id"].as_str().unwrap();
    let expiry = Some(json!({"JWTTokenExpiry": "1"}));
    let (status, mechanism) = api(&s, "PUT", &format!("/api/v1/users/generateToken/{id}"), &admin, expiry).await;
    assert_eq!(status, StatusCode::OK, "{mechanism}");
    let token = mechanism["JWTToken"].as_str().unwrap().to_string();

    // Not the Organization's DataConsumer: DefaultBotRole grants nothing to read users with.
    let (status, body) = api(&s, "GET", "/api/v1/users", &token, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["message"], "Principal: CatalogPrincipal{name='metrics-bot'} operations [ViewBasic] not allowed");
    let (status, _) = api(&s, "GET", "/api/v1/users/loggedInUser", &token, None).await;
    assert_eq!(status, StatusCode::OK, "its own user is always readable");
    // The ingestion bot's role does let it read.
    let (status, _) = api(&s, "PUT", "/api/v1/users", &admin, Some(json!({
        "name": "metrics-bot", "email": "metrics-bot@open-metadata.org", "isBot": true, "roles": ["IngestionBotRole"]
    }))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = api(&s, "GET", "/api/v1/users", &token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn noop_authorizer_allows_every_authenticated_caller() {
    let s = server(&[("AUTHORIZER_CLASS_NAME", "org.openmetadata.service.security.NoopAuthorizer")]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (status, _) =
        api(&s, "POST", "/api/v1/users", &admin, Some(json!({"name": "fay", "email": "fay@open-metadata.org"}))).await;
    assert_eq!(status, StatusCode::CREATED);
    let fay = session(&s, "fay", "fay@open-metadata.org");
    let policy =
        json!({"name": "P", "rules": [{"name": "r", "resources": ["all"], "operations": ["All"], "effect": "allow"}]});
    let (status, body) = api(&s, "POST", "/api/v1/policies", &fay, Some(policy)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Authentication still applies.
    let (status, _, _) = call(&s.api, tessera_http::request("GET", "/api/v1/policies")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The web UI's routes are declared public: they must never be API paths.
#[tokio::test]
async fn the_web_ui_is_outside_the_api_and_callback_serves_it_for_public_clients() {
    for path in tessera_http::ui::PAGES.iter().copied().chain(tessera_http::ui::ASSETS.iter().map(|a| a.path)) {
        assert!(!path.to_ascii_lowercase().starts_with("/api"), "{path}");
    }
    let s = server(&[]).await;
    let response = tower::ServiceExt::oneshot(s.api.clone(), tessera_http::request("GET", "/callback?code=x&state=y"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
}
