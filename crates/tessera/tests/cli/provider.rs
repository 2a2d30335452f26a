//! The real binary against a real OpenID provider (`oidc-provider`, configured like an Auth0
//! tenant: e2e/idp): ID tokens of the public client, sign-up, admins from the principal list,
//! tokens minted for another client of the same tenant, API access tokens, key rotation.

use crate::idp::Provider;
use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_like_provider_tokens_sign_up_and_rotation() {
    let idp = Provider::start();
    let env = Env::new()
        .set("AUTHENTICATION_PROVIDER", "auth0")
        .set("AUTHENTICATION_AUTHORITY", idp.issuer.trim_end_matches('/'))
        .set("AUTHENTICATION_CLIENT_ID", "tessera-spa")
        .set(
            "AUTHENTICATION_PUBLIC_KEYS",
            &format!("[{}.well-known/jwks.json, http://localhost:8585/api/v1/system/config/jwks]", idp.issuer),
        )
        .set("AUTHORIZER_PRINCIPAL_DOMAIN", "open-metadata.org")
        .set("TESSERA_API_AUDIENCES", "[https://api.tessera.example]");
    let server = env.serve();

    // Alice's ID token: valid, but she has not signed up yet.
    let alice = idp.tokens("client=tessera-spa&user=alice").await["id_token"].as_str().unwrap().to_string();
    let (status, body) = call(&server, "GET", "/api/v1/users/loggedInUser", &alice, None).await;
    assert_eq!((status, body["message"].as_str()), (404, Some("user instance for alice.smith not found")));
    // Signing up someone else is refused; herself works (names and emails lower-cased).
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/users",
        &alice,
        Some(serde_json::json!({"name": "mallory", "email": "mallory@example.com"})),
    )
    .await;
    assert_eq!((status, body["reason"].as_str()), (403, Some("OTHER_USER_SIGN_UP_ERROR")), "{body}");
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/users",
        &alice,
        Some(serde_json::json!({"name": "Alice.Smith", "email": "Alice.Smith@Example.com", "isAdmin": true})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (body["name"].as_str(), body["email"].as_str(), body["isAdmin"].as_bool()),
        (Some("alice.smith"), Some("alice.smith@example.com"), Some(false))
    );
    let (status, me) = call(&server, "GET", "/api/v1/users/loggedInUser", &alice, None).await;
    assert_eq!((status, me["fullyQualifiedName"].as_str()), (200, Some("\"alice.smith\"")));

    // The admin principal signs in as admin straight away.
    let admin = idp.tokens("client=tessera-spa&user=admin").await["id_token"].as_str().unwrap().to_string();
    let (status, me) = call(&server, "GET", "/api/v1/users/loggedInUser", &admin, None).await;
    assert_eq!((status, me["isAdmin"].as_bool()), (200, Some(true)), "{me}");

    // A token the same tenant minted for another application is not ours.
    let other = idp.tokens("client=other-app&user=alice").await["id_token"].as_str().unwrap().to_string();
    let (status, body) = call(&server, "GET", "/api/v1/users/loggedInUser", &other, None).await;
    assert_eq!((status, body["reason"].as_str()), (401, Some("audience_mismatch")), "{body}");

    // An access token for the configured API audience is accepted (its principal comes from `sub`).
    let access = idp.tokens("client=tessera-spa&user=bob&audience=https://api.tessera.example").await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = call(&server, "GET", "/api/v1/users/loggedInUser", &access, None).await;
    assert_eq!((status, body["message"].as_str()), (404, Some("user instance for auth0|bob not found")), "{body}");

    // The provider rotates its key: the next login's token is accepted without a restart, once the
    // unknown-kid refetch interval since the last fetch has passed.
    idp.rotate().await;
    let rotated = idp.tokens("client=tessera-spa&user=alice").await["id_token"].as_str().unwrap().to_string();
    tokio::time::sleep(tessera_auth::verify::MIN_REFETCH_INTERVAL).await;
    let (status, body) = call(&server, "GET", "/api/v1/users/loggedInUser", &rotated, None).await;
    assert_eq!(status, 200, "{body}");
    drop(server);
}

/// AUTHORIZER_USE_ROLES_FROM_PROVIDER with Auth0's namespaced roles claim: the provider's roles
/// become the user's (those Tessera knows), and decide what they may do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_from_the_provider_claim() {
    let idp = Provider::start();
    let env = Env::new()
        .set("AUTHENTICATION_PROVIDER", "auth0")
        .set("AUTHENTICATION_AUTHORITY", idp.issuer.trim_end_matches('/'))
        .set("AUTHENTICATION_CLIENT_ID", "tessera-spa")
        .set("AUTHENTICATION_PUBLIC_KEYS", &format!("[{}.well-known/jwks.json]", idp.issuer))
        .set("AUTHORIZER_USE_ROLES_FROM_PROVIDER", "true")
        .set("TESSERA_PROVIDER_ROLES_CLAIM", "https://tessera.example/roles");
    let server = env.serve();
    let alice = idp.tokens("client=tessera-spa&user=alice").await["id_token"].as_str().unwrap().to_string();
    let me = serde_json::json!({"name": "alice.smith", "email": "alice.smith@example.com"});
    let (status, body) = call(&server, "POST", "/api/v1/users", &alice, Some(me)).await;
    assert_eq!(status, 201, "{body}");
    let (status, me) = call(&server, "GET", "/api/v1/users/loggedInUser", &alice, None).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["roles"][0]["name"], "DataSteward", "{me}");
    let (_, table) = call(&server, "GET", "/api/v1/permissions/table", &alice, None).await;
    let lineage = table["permissions"].as_array().unwrap().iter().find(|p| p["operation"] == "EditLineage").unwrap();
    assert_eq!((lineage["access"].as_str(), lineage["role"].as_str()), (Some("allow"), Some("DataSteward")));
}
