//! Every route declares who may call it (`route_access::ROUTES`), and the declaration holds: the
//! source's routes are all in the table, nothing but the public ones answers without a token, and
//! admin-only routes refuse a data consumer with the original's message.

use crate::accounts::{api, data_consumer, request, session};
use crate::{call, server};
use axum::http::StatusCode;
use serde_json::json;
use tessera_http::route_access::{Access, ROUTES, declared};

/// Route templates written in the crate's source: `.route("...")` literals, plus the ones the
/// policies/roles/teams module builds per collection.
fn routes_in_source() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if path.file_name().unwrap() == "admin.rs" {
            continue; // the admin port: operators only, no API routes
        }
        for piece in text.split(".route(\"").skip(1) {
            found.push(piece.split('"').next().unwrap().to_string());
        }
    }
    for collection in ["policies", "roles", "teams"] {
        found.push(format!("/api/v1/{collection}"));
        found.push(format!("/api/v1/{collection}/{{id}}"));
        found.push(format!("/api/v1/{collection}/name/{{name}}"));
    }
    found
}

#[test]
fn every_route_in_the_source_is_declared() {
    let source = routes_in_source();
    assert!(source.len() > 30, "the scan found the routes: {source:?}");
    for template in &source {
        assert!(
            ROUTES.iter().any(|(_, t, _)| t == template),
            "{template} is routed but has no access rule in route_access::ROUTES"
        );
    }
    for (method, template, _) in ROUTES {
        assert!(source.contains(&template.to_string()), "{method} {template} is declared but not routed");
    }
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
    for (method, template, access) in ROUTES {
        if *access == Access::Public {
            continue;
        }
        let (status, _, body) = call(&s.api, tessera_http::request(method, &concrete(template))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {template}: {body}");
    }
}

#[tokio::test]
async fn declarations_are_enforced_for_a_data_consumer() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    for (method, template, access) in ROUTES {
        if *access != Access::Admin {
            continue;
        }
        let body = (*method != "GET" && *method != "DELETE").then(|| json!({}));
        let (status, _, reply) = call(&s.api, request(method, &concrete(template), &dana, body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {template}: {reply}");
        assert_eq!(reply["message"], "Principal: CatalogPrincipal{name='dana'} is not admin", "{method} {template}");
    }
    // Reads a data consumer may do (DataConsumerPolicy: ViewAll on all).
    for path in ["/api/v1/users", "/api/v1/bots", "/api/v1/policies", "/api/v1/roles", "/api/v1/teams"] {
        let (status, _) = api(&s, "GET", path, &dana, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    assert_eq!(declared("GET", "/api/v1/users"), Some(Access::Operation("user", "ViewBasic")));
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

/// The web UI's routes are merged outside the access table: they must never be API paths.
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
