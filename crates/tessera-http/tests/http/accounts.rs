//! Users, bots and Tessera-issued tokens through the API, with tokens Tessera mints itself.
//! Sign-up with identity-provider tokens is covered end to end against a real provider.

use crate::{Server, call, server};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use tessera_auth::{Expiry, Subject, TokenType};

pub fn request(method: &str, path: &str, token: &str, body: Option<Value>) -> Request<Body> {
    let builder = Request::builder().method(method).uri(path).header("authorization", format!("Bearer {token}"));
    match body {
        Some(b) => builder.header("content-type", "application/json").body(Body::from(b.to_string())).unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

/// A session token for an existing user, as Tessera would issue one.
pub fn session(s: &Server, name: &str, email: &str) -> String {
    let subject = Subject { name, email, roles: &[], is_bot: false };
    s.state
        .keys
        .mint("open-metadata.org", &subject, TokenType::OmUser, Expiry::OneHour, tessera_auth::verify::unix_now())
        .token
}

pub async fn api(s: &Server, method: &str, path: &str, token: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (status, _, json) = call(&s.api, request(method, path, token, body)).await;
    (status, json)
}

/// Signs up `dana` (a DataConsumer, the default role) through the admin and returns her session.
pub async fn data_consumer(s: &Server, admin: &str) -> String {
    let user = json!({"name": "dana", "email": "dana@open-metadata.org"});
    let (status, body) = api(s, "POST", "/api/v1/users", admin, Some(user)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    session(s, "dana", "dana@open-metadata.org")
}

pub async fn bot_id(s: &Server, admin: &str) -> String {
    let (status, bot) = api(s, "GET", "/api/v1/bots/name/ingestion-bot", admin, None).await;
    assert_eq!(status, StatusCode::OK, "{bot}");
    bot["botUser"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn ingestion_bot_token_lifecycle() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (status, me) = api(&s, "GET", "/api/v1/users/loggedInUser", &admin, None).await;
    assert_eq!((status, me["isAdmin"].as_bool()), (StatusCode::OK, Some(true)), "{me}");

    let id = bot_id(&s, &admin).await;
    let (status, mechanism) = api(&s, "GET", &format!("/api/v1/users/token/{id}"), &admin, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mechanism["JWTTokenExpiry"], "Unlimited");
    let first = mechanism["JWTToken"].as_str().unwrap().to_string();
    let (status, me) = api(&s, "GET", "/api/v1/users/loggedInUser", &first, None).await;
    assert_eq!(
        (status, me["name"].as_str(), me["isBot"].as_bool()),
        (StatusCode::OK, Some("ingestion-bot"), Some(true))
    );

    let (status, regenerated) =
        api(&s, "PUT", &format!("/api/v1/users/generateToken/{id}"), &admin, Some(json!({"JWTTokenExpiry": "7"})))
            .await;
    assert_eq!(status, StatusCode::OK, "{regenerated}");
    assert!(regenerated["JWTTokenExpiresAt"].as_i64().unwrap() > 0);
    let second = regenerated["JWTToken"].as_str().unwrap().to_string();
    let (status, body) = api(&s, "GET", "/api/v1/users/loggedInUser", &first, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["message"], "Not Authorized! The given token does not match the current bot's token!");
    assert_eq!(api(&s, "GET", "/api/v1/users/loggedInUser", &second, None).await.0, StatusCode::OK);

    let (status, auth) = api(&s, "GET", &format!("/api/v1/users/auth-mechanism/{id}"), &admin, None).await;
    assert_eq!(
        (status, auth["authType"].as_str(), auth["config"]["JWTToken"].as_str()),
        (StatusCode::OK, Some("JWT"), Some(second.as_str()))
    );

    let (status, _) = api(&s, "PUT", "/api/v1/users/revokeToken", &admin, Some(json!({"id": id}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(api(&s, "GET", "/api/v1/users/loggedInUser", &second, None).await.0, StatusCode::UNAUTHORIZED);
    let (_, empty) = api(&s, "GET", &format!("/api/v1/users/token/{id}"), &admin, None).await;
    assert_eq!(empty, json!({}));
}

#[tokio::test]
async fn non_admins_cannot_touch_others_or_bot_credentials() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (status, alice) =
        api(&s, "POST", "/api/v1/users", &admin, Some(json!({"name": "Alice", "email": "Alice@Example.com"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{alice}");
    assert_eq!((alice["name"].as_str(), alice["email"].as_str()), (Some("alice"), Some("alice@example.com")));
    let alice_token = session(&s, "alice", "alice@example.com");
    let id = bot_id(&s, &admin).await;
    let not_admin = json!("Principal: CatalogPrincipal{name='alice'} is not admin");

    let (status, body) = api(&s, "GET", &format!("/api/v1/users/token/{id}"), &alice_token, None).await;
    assert_eq!((status, &body["message"]), (StatusCode::FORBIDDEN, &not_admin));
    let (status, _) = api(
        &s,
        "PUT",
        &format!("/api/v1/users/generateToken/{id}"),
        &alice_token,
        Some(json!({"JWTTokenExpiry": "1"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        api(&s, "POST", "/api/v1/users", &alice_token, Some(json!({"name": "mallory", "email": "m@example.com"})))
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a non-admin cannot create other users");
    let (status, _) = api(
        &s,
        "PUT",
        "/api/v1/users",
        &alice_token,
        Some(json!({"name": "alice", "email": "alice@example.com", "isAdmin": true})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no self-promotion");
    let (status, _) = api(
        &s,
        "PUT",
        "/api/v1/users",
        &alice_token,
        Some(json!({"name": "admin", "email": "admin@open-metadata.org", "displayName": "pwned"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no editing others");
    let admin_id = api(&s, "GET", "/api/v1/users/name/admin", &admin, None).await.1["id"].as_str().unwrap().to_string();
    assert_eq!(
        api(&s, "DELETE", &format!("/api/v1/users/{admin_id}"), &alice_token, None).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, me) = api(
        &s,
        "PUT",
        "/api/v1/users",
        &alice_token,
        Some(json!({"name": "alice", "email": "alice@example.com", "displayName": "Alice S."})),
    )
    .await;
    assert_eq!(
        (status, me["displayName"].as_str(), me["version"].as_f64()),
        (StatusCode::OK, Some("Alice S."), Some(0.2))
    );

    // Bots cannot be made admins, even by an admin.
    let (status, _) = api(
        &s,
        "PUT",
        "/api/v1/users",
        &admin,
        Some(json!({"name": "ingestion-bot", "email": "ingestion-bot@open-metadata.org", "isAdmin": true})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn personal_access_tokens_and_user_deletion() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (_, alice) =
        api(&s, "POST", "/api/v1/users", &admin, Some(json!({"name": "alice", "email": "alice@example.com"}))).await;
    let alice_session = session(&s, "alice", "alice@example.com");
    let (status, pat) = api(
        &s,
        "PUT",
        "/api/v1/users/security/token",
        &alice_session,
        Some(json!({"tokenName": "laptop", "JWTTokenExpiry": "30"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{pat}");
    assert_eq!(pat["tokenType"], "PERSONAL_ACCESS_TOKEN");
    let jwt = pat["jwtToken"].as_str().unwrap().to_string();
    assert_eq!(api(&s, "GET", "/api/v1/users/loggedInUser", &jwt, None).await.1["name"], "alice");

    let (_, listed) = api(&s, "GET", "/api/v1/users/security/token", &alice_session, None).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert!(listed["data"][0].get("jwtToken").is_none(), "the token is shown once, at creation");
    let (status, _) = api(&s, "GET", "/api/v1/users/security/token?username=admin", &alice_session, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, left) = api(
        &s,
        "PUT",
        "/api/v1/users/security/token/revoke",
        &alice_session,
        Some(json!({"tokenIds": [pat["token"]]})),
    )
    .await;
    assert_eq!((status, left["data"].as_array().unwrap().len()), (StatusCode::OK, 0));
    let (status, body) = api(&s, "GET", "/api/v1/users/loggedInUser", &jwt, None).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Not Authorized! Invalid personal access token!"))
    );

    // Deleting a user ends every Tessera token of theirs.
    let id = alice["id"].as_str().unwrap();
    assert_eq!(api(&s, "DELETE", &format!("/api/v1/users/{id}"), &admin, None).await.0, StatusCode::OK);
    let (status, body) = api(&s, "GET", "/api/v1/users/loggedInUser", &alice_session, None).await;
    assert_eq!((status, body["reason"].as_str()), (StatusCode::UNAUTHORIZED, Some("user_deleted")));

    let bot = bot_id(&s, &admin).await;
    let (status, body) = api(&s, "DELETE", &format!("/api/v1/users/{bot}"), &admin, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "system bots stay: {body}");
}

#[tokio::test]
async fn bot_tokens_never_appear_in_entity_reads() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    for path in [
        "/api/v1/users?limit=100",
        "/api/v1/users/name/ingestion-bot",
        "/api/v1/bots",
        "/api/v1/bots/name/ingestion-bot",
    ] {
        let (status, body) = api(&s, "GET", path, &admin, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.to_string().contains("eyJ"), "{path} leaks a JWT: {body}");
    }
}

#[tokio::test]
async fn listing_pages_and_fqn_quoting() {
    let s = server(&[("AUTHORIZER_ADMIN_PRINCIPALS", "[admin, john.doe]")]).await;
    let admin = session(&s, "john.doe", "john.doe@open-metadata.org");
    let (status, me) = api(&s, "GET", "/api/v1/users/loggedInUser", &admin, None).await;
    assert_eq!(
        (status, me["fullyQualifiedName"].as_str(), me["isAdmin"].as_bool()),
        (StatusCode::OK, Some("\"john.doe\""), Some(true))
    );
    let (_, first) = api(&s, "GET", "/api/v1/users?limit=2", &admin, None).await;
    assert_eq!(first["paging"]["total"], 3);
    let after = first["paging"]["after"].as_str().unwrap();
    let (_, second) = api(&s, "GET", &format!("/api/v1/users?limit=2&after={after}"), &admin, None).await;
    let names: Vec<_> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["data"].as_array().unwrap())
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, vec!["admin", "ingestion-bot", "john.doe"]);
    let (status, body) = api(&s, "GET", "/api/v1/users?limit=-1", &admin, None).await;
    assert_eq!((status, body["reason"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_parameter")));
}

#[tokio::test]
async fn bots_crud_by_admins_only() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (status, user) = api(
        &s,
        "PUT",
        "/api/v1/users",
        &admin,
        Some(json!({"name": "lineage-helper", "email": "lineage-helper@open-metadata.org", "isBot": true})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let (status, bot) = api(
        &s,
        "POST",
        "/api/v1/bots",
        &admin,
        Some(json!({"name": "lineage-helper", "botUser": "lineage-helper", "displayName": "Lineage"})),
    )
    .await;
    assert_eq!((status, bot["botUser"]["name"].as_str()), (StatusCode::CREATED, Some("lineage-helper")), "{bot}");
    let (status, _) =
        api(&s, "POST", "/api/v1/bots", &admin, Some(json!({"name": "lineage-helper", "botUser": "lineage-helper"})))
            .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, updated) = api(
        &s,
        "PUT",
        "/api/v1/bots",
        &admin,
        Some(json!({"name": "lineage-helper", "botUser": "lineage-helper", "description": "moves lineage"})),
    )
    .await;
    assert_eq!(
        (status, updated["description"].as_str(), updated["version"].as_f64()),
        (StatusCode::OK, Some("moves lineage"), Some(0.2))
    );

    // Its token, then deletion: the token dies with the bot.
    let user_id = user["id"].as_str().unwrap();
    let (_, mechanism) = api(
        &s,
        "PUT",
        &format!("/api/v1/users/generateToken/{user_id}"),
        &admin,
        Some(json!({"JWTTokenExpiry": "OneHour"})),
    )
    .await;
    let token = mechanism["JWTToken"].as_str().unwrap().to_string();
    assert_eq!(api(&s, "GET", "/api/v1/users/loggedInUser", &token, None).await.0, StatusCode::OK);
    let (_, me) = api(&s, "POST", "/api/v1/users", &token, Some(json!({"name": "x", "email": "x@example.com"}))).await;
    assert_eq!(me["code"], 403, "a bot cannot create users");
    let alice_session = {
        api(&s, "POST", "/api/v1/users", &admin, Some(json!({"name": "alice", "email": "alice@example.com"}))).await;
        session(&s, "alice", "alice@example.com")
    };
    let bot_id = bot["id"].as_str().unwrap();
    assert_eq!(
        api(&s, "DELETE", &format!("/api/v1/bots/{bot_id}"), &alice_session, None).await.0,
        StatusCode::FORBIDDEN
    );
    // Soft by default, as the original: the bot and its user are kept, deleted, and found only
    // with include=deleted; a hard delete removes them.
    let (status, soft) = api(&s, "DELETE", &format!("/api/v1/bots/{bot_id}"), &admin, None).await;
    assert_eq!((status, &soft["deleted"], &soft["version"]), (StatusCode::OK, &json!(true), &json!(0.3)), "{soft}");
    assert_eq!(api(&s, "GET", "/api/v1/users/loggedInUser", &token, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(api(&s, "GET", &format!("/api/v1/bots/{bot_id}"), &admin, None).await.0, StatusCode::NOT_FOUND);
    let (status, kept) = api(&s, "GET", "/api/v1/bots/name/lineage-helper?include=deleted", &admin, None).await;
    assert_eq!((status, &kept["deleted"]), (StatusCode::OK, &json!(true)), "{kept}");
    let (status, _) = api(&s, "GET", &format!("/api/v1/users/{user_id}?include=deleted"), &admin, None).await;
    assert_eq!(status, StatusCode::OK, "its user is soft-deleted with it");
    let hard = format!("/api/v1/bots/{bot_id}?hardDelete=true");
    assert_eq!(api(&s, "DELETE", &hard, &admin, None).await.0, StatusCode::OK);
    let (status, _) = api(&s, "GET", &format!("/api/v1/bots/{bot_id}?include=all"), &admin, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "gone for good");

    let (_, system) = api(&s, "GET", "/api/v1/bots/name/ingestion-bot", &admin, None).await;
    let (status, _) =
        api(&s, "DELETE", &format!("/api/v1/bots/{}", system["id"].as_str().unwrap()), &admin, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "system bots stay");
}

#[tokio::test]
async fn same_name_other_email_is_not_that_user() {
    let s = server(&[]).await;
    // admin@evil.example shares the local part of the bootstrapped admin@open-metadata.org.
    let impostor = session(&s, "admin", "admin@evil.example");
    let (status, body) = api(&s, "GET", "/api/v1/users/loggedInUser", &impostor, None).await;
    // Not "not found" any more: a 403 that says why (attack review finding 4).
    assert_eq!((status, body["reason"].as_str()), (StatusCode::FORBIDDEN, Some("principal_mismatch")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("is not the email of user admin"), "{body}");
    let id = bot_id(&s, &session(&s, "admin", "admin@open-metadata.org")).await;
    let (status, _) = api(&s, "GET", &format!("/api/v1/users/token/{id}"), &impostor, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not an admin");
}

/// At most `TESSERA_MAX_PERSONAL_TOKENS` live personal tokens per user; one more is a 400 that
/// says what to do, and a revocation of 10,000 ids at once (most unknown) works in one request
/// (attack review finding 12).
#[tokio::test]
async fn personal_tokens_are_capped_and_revoked_in_bulk() {
    let s = server(&[("TESSERA_MAX_PERSONAL_TOKENS", "3")]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    api(&s, "POST", "/api/v1/users", &admin, Some(json!({"name": "pat", "email": "pat@open-metadata.org"}))).await;
    let pat = session(&s, "pat", "pat@open-metadata.org");
    let body = |n: usize| Some(json!({"tokenName": format!("t{n}"), "JWTTokenExpiry": "7"}));
    let mut ids = Vec::new();
    for n in 0..3 {
        let (status, token) = api(&s, "PUT", "/api/v1/users/security/token", &pat, body(n)).await;
        assert_eq!(status, StatusCode::OK, "{token}");
        ids.push(token["token"].as_str().unwrap().to_string());
    }
    let (status, refused) = api(&s, "PUT", "/api/v1/users/security/token", &pat, body(3)).await;
    assert_eq!(
        (status, refused["reason"].as_str()),
        (StatusCode::BAD_REQUEST, Some("personal_token_limit")),
        "{refused}"
    );
    assert!(refused["message"].as_str().unwrap().contains("revoke some first"), "{refused}");
    let (_, listed) = api(&s, "GET", "/api/v1/users/security/token", &pat, None).await;
    assert_eq!(listed["paging"]["total"], 3, "nothing was added");

    let mut many: Vec<String> = (0..9_997).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    many.extend(ids);
    let (status, left) =
        api(&s, "PUT", "/api/v1/users/security/token/revoke", &pat, Some(json!({"tokenIds": many}))).await;
    assert_eq!(status, StatusCode::OK, "{left}");
    assert_eq!(left["data"], json!([]), "{left}");
    let (status, _) = api(&s, "PUT", "/api/v1/users/security/token", &pat, body(4)).await;
    assert_eq!(status, StatusCode::OK, "room again");
}
