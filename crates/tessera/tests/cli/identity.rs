//! The attack review's identity findings, against the real binary and the real test OpenID
//! provider (e2e/idp), with the documentation's defaults (principal-domain enforcement off):
//! an admin principal claimed from another domain (3), a stranger with an existing user's name
//! or another provider account with a user's email (4), a provider token posing as the ingestion
//! bot (6), a sign-up claiming another's email (7). Each refusal says why and changes nothing.

use crate::idp::Provider;
use crate::support::*;
use serde_json::json;

/// Tessera with the provider and the documentation's settings (no domain enforcement).
fn env_for(idp: &Provider) -> Env {
    Env::new()
        .set("AUTHENTICATION_PROVIDER", "auth0")
        .set("AUTHENTICATION_AUTHORITY", idp.issuer.trim_end_matches('/'))
        .set("AUTHENTICATION_CLIENT_ID", "tessera-spa")
        .set(
            "AUTHENTICATION_PUBLIC_KEYS",
            &format!("[{}.well-known/jwks.json, http://localhost:8585/api/v1/system/config/jwks]", idp.issuer),
        )
        .set("AUTHORIZER_ADMIN_PRINCIPALS", "[admin]")
        .set("AUTHORIZER_PRINCIPAL_DOMAIN", "open-metadata.org")
}

async fn id_token(idp: &Provider, user: &str) -> String {
    idp.tokens(&format!("client=tessera-spa&user={user}")).await["id_token"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_principal_is_claimed_only_from_the_principal_domain() {
    let idp = Provider::start();
    let env = env_for(&idp);
    let server = env.serve();
    let admin = admin_token(&env.data_dir());
    let (_, me) = call(&server, "GET", "/api/v1/users/loggedInUser", &admin, None).await;
    let admin_id = me["id"].as_str().unwrap().to_string();
    // The admin user is hard-deleted (by an admin of another name, as an operator might).
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/users",
        &admin,
        Some(json!({"name": "ops", "email": "ops@open-metadata.org", "isAdmin": true})),
    )
    .await;
    assert_eq!(status, 201);
    let ops = session_token(&env.data_dir(), "ops", "ops@open-metadata.org");
    let (status, body) =
        call(&server, "DELETE", &format!("/api/v1/users/{admin_id}?hardDelete=true"), &ops, None).await;
    assert_eq!(status, 200, "{body}");

    // admin@evil.example signs up as `admin`: refused, saying which domain may claim it.
    let evil = id_token(&idp, "evil-admin").await;
    let (status, body) =
        call(&server, "POST", "/api/v1/users", &evil, Some(json!({"name": "admin", "email": "admin@evil.example"})))
            .await;
    assert_eq!((status, body["reason"].as_str()), (403, Some("ADMIN_PRINCIPAL_DOMAIN_ERROR")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("open-metadata.org"), "{body}");
    let (status, _) = call(&server, "GET", "/api/v1/users/name/admin", &ops, None).await;
    assert_eq!(status, 404, "nothing was created");
    let (status, _) = call(&server, "GET", "/api/v1/users/loggedInUser", &evil, None).await;
    assert_eq!(status, 404, "and the token is nobody");
    // The principal domain's own admin still may.
    let real = id_token(&idp, "admin").await;
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/users",
        &real,
        Some(json!({"name": "admin", "email": "admin@open-metadata.org"})),
    )
    .await;
    assert_eq!((status, body["isAdmin"].as_bool()), (201, Some(true)), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_with_a_users_name_or_email_never_acts_as_that_user() {
    let idp = Provider::start();
    let env = env_for(&idp);
    let server = env.serve();
    let admin = admin_token(&env.data_dir());
    // Bob signs up with his provider account; the account is kept with his user.
    let bob = id_token(&idp, "bob").await;
    let (status, body) =
        call(&server, "POST", "/api/v1/users", &bob, Some(json!({"name": "bob", "email": "bob@open-metadata.org"})))
            .await;
    assert_eq!(status, 201, "{body}");
    // Another account of the same provider with Bob's address: never Bob.
    let other = id_token(&idp, "bob-again").await;
    for (method, path, body) in [
        ("GET", "/api/v1/users/loggedInUser", None),
        ("GET", "/api/v1/users/security/token", None),
        (
            "PUT",
            "/api/v1/users",
            Some(json!({"name": "bob", "email": "bob@open-metadata.org", "description": "mine now"})),
        ),
        ("POST", "/api/v1/users", Some(json!({"name": "bob", "email": "bob@open-metadata.org"}))),
        ("GET", "/api/v1/tables", None),
    ] {
        let (status, answer) = call(&server, method, path, &other, body).await;
        assert_eq!(status, 403, "{method} {path}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains("bob"), "{method} {path}: {answer}");
    }
    // Eve of evil.example, named `eve` as an existing eve@open-metadata.org: not her either.
    let (status, _) =
        call(&server, "POST", "/api/v1/users", &admin, Some(json!({"name": "eve", "email": "eve@open-metadata.org"})))
            .await;
    assert_eq!(status, 201);
    let eve = id_token(&idp, "eve").await;
    let (status, body) = call(&server, "GET", "/api/v1/users/loggedInUser", &eve, None).await;
    assert_eq!((status, body["reason"].as_str()), (403, Some("principal_mismatch")), "{body}");
    // Nothing changed, and Bob's own token still works.
    let (status, me) = call(&server, "GET", "/api/v1/users/loggedInUser", &bob, None).await;
    assert_eq!((status, me.get("description")), (200, None), "{me}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_token_never_acts_as_a_bot() {
    let idp = Provider::start();
    let env = env_for(&idp);
    let server = env.serve();
    let fake = id_token(&idp, "fake-bot").await;
    for (method, path) in [("GET", "/api/v1/users/loggedInUser"), ("GET", "/api/v1/tables"), ("PUT", "/api/v1/tables")]
    {
        let body = (method == "PUT").then(|| json!({"name": "t", "databaseSchema": "a.b.c", "columns": []}));
        let (status, answer) = call(&server, method, path, &fake, body).await;
        assert_eq!((status, answer["reason"].as_str()), (403, Some("principal_mismatch")), "{method} {path}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains("tessera token bot ingestion-bot"), "{answer}");
    }
    // The bot's own token is the way in.
    let bot = env.run(&["token", "bot", "ingestion-bot"]);
    let (status, _) = call(&server, "GET", "/api/v1/tables", stdout(&bot).trim(), None).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_up_uses_the_tokens_own_email() {
    let idp = Provider::start();
    let env = env_for(&idp);
    let server = env.serve();
    let alice = id_token(&idp, "alice").await;
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/users",
        &alice,
        Some(json!({"name": "alice.smith", "email": "bob@open-metadata.org"})),
    )
    .await;
    assert_eq!((status, body["reason"].as_str()), (403, Some("OTHER_EMAIL_SIGN_UP_ERROR")), "{body}");
    let (status, _) = call(&server, "GET", "/api/v1/users/loggedInUser", &alice, None).await;
    assert_eq!(status, 404, "nothing was created");
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/users",
        &alice,
        Some(json!({"name": "alice.smith", "email": "Alice.Smith@Example.com"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}
