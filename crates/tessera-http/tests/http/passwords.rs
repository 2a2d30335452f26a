//! Password sign-in (`AUTHENTICATION_PROVIDER=basic`) through the API: login, refresh, logout,
//! sign-up, change of password, the block after failed logins, and what other providers answer.

use crate::accounts::{api, session};
use crate::{Server, call, server};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine;
use serde_json::{Value, json};
use tessera_store::PasswordStore;

const ADMIN_PASSWORD: &str = "Adm1n-Secret!pass";

fn b64(password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(password)
}

pub async fn public(s: &Server, method: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, _, json) = call(&s.api, request).await;
    (status, json)
}

pub async fn login(s: &Server, email: &str, password: &str) -> (StatusCode, Value) {
    public(s, "POST", "/api/v1/users/login", json!({"email": email, "password": b64(password)})).await
}

async fn basic(extra: &[(&str, &str)]) -> Server {
    let admins = format!("[admin:{ADMIN_PASSWORD}]");
    let mut vars = vec![("AUTHENTICATION_PROVIDER", "basic"), ("AUTHORIZER_ADMIN_PRINCIPALS", admins.as_str())];
    vars.extend_from_slice(extra);
    server(&vars).await
}

#[tokio::test]
async fn login_refresh_and_logout_with_the_originals_shapes() {
    let s = basic(&[]).await;
    let (status, body) = login(&s, "Admin@Open-Metadata.org", ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["tokenType"], "Bearer");
    let expiry = body["expiryDuration"].as_i64().unwrap();
    let now_ms = tessera_auth::verify::unix_now() * 1000;
    assert!((now_ms + 3_500_000..=now_ms + 3_700_000).contains(&expiry), "epoch ms an hour ahead: {expiry}");
    let access = body["accessToken"].as_str().unwrap().to_string();
    let (status, me) = api(&s, "GET", "/api/v1/users/loggedInUser", &access, None).await;
    assert_eq!((status, me["name"].as_str(), me["isAdmin"].as_bool()), (StatusCode::OK, Some("admin"), Some(true)));

    // A refresh token is good once.
    let refresh = body["refreshToken"].as_str().unwrap().to_string();
    let (status, renewed) = public(&s, "POST", "/api/v1/users/refresh", json!({"refreshToken": refresh})).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let (status, again) = public(&s, "POST", "/api/v1/users/refresh", json!({"refreshToken": refresh})).await;
    assert_eq!((status, again["reason"].as_str()), (StatusCode::UNAUTHORIZED, Some("refresh_token_invalid")));
    let (status, empty) = public(&s, "POST", "/api/v1/users/refresh", json!({"refreshToken": ""})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{empty}");

    // Logout signs out the token the request carries, never another one.
    let other = renewed["accessToken"].as_str().unwrap();
    let (status, refused) = api(&s, "POST", "/api/v1/users/logout", &access, Some(json!({"token": other}))).await;
    assert_eq!((status, refused["reason"].as_str()), (StatusCode::BAD_REQUEST, Some("token_not_callers")));
    let (status, done) = api(&s, "POST", "/api/v1/users/logout", &access, Some(json!({"token": access}))).await;
    assert_eq!((status, done.as_str()), (StatusCode::OK, Some("Logout Successful")));
    let (status, gone) = api(&s, "GET", "/api/v1/users/loggedInUser", &access, None).await;
    assert_eq!(
        (status, gone["message"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Invalid token, used after logout!"))
    );
    let (status, _) = api(&s, "GET", "/api/v1/users/loggedInUser", other, None).await;
    assert_eq!(status, StatusCode::OK, "the other session goes on");

    let (status, limits) = api(&s, "GET", "/api/v1/system/config/loginConfig", other, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(limits, json!({"maxLoginFailAttempts": 3, "accessBlockTime": 600, "jwtTokenExpiryTime": 3600}));
}

#[tokio::test]
async fn wrong_passwords_unknown_emails_and_bots_get_one_answer_and_block_alike() {
    let s = basic(&[("OM_LOGIN_ACCESS_BLOCK_TIME", "2")]).await;
    for (email, password) in [
        ("admin@open-metadata.org", "Wrong-Pass1!"),
        ("nobody@open-metadata.org", "Wrong-Pass1!"),
        ("ingestion-bot@open-metadata.org", "Wrong-Pass1!"),
        ("admin", ADMIN_PASSWORD),
    ] {
        let (status, body) = login(&s, email, password).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{email}: {body}");
        assert_eq!(body["message"], "You have entered an invalid username or password.", "{email}");
        assert_eq!(body["reason"], "invalid_credentials", "{email}");
    }
    for _ in 0..2 {
        login(&s, "admin@open-metadata.org", "Wrong-Pass1!").await;
        login(&s, "nobody@open-metadata.org", "Wrong-Pass1!").await;
    }
    // Three failures: blocked, even with the right password, and an unknown email the same way.
    for email in ["admin@open-metadata.org", "nobody@open-metadata.org"] {
        let (status, body) = login(&s, email, ADMIN_PASSWORD).await;
        assert_eq!((status, body["reason"].as_str()), (StatusCode::UNAUTHORIZED, Some("login_blocked")), "{email}");
        assert!(body["message"].as_str().unwrap().starts_with("Failed Login Attempts Exceeded."), "{body}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (status, body) = login(&s, "admin@open-metadata.org", ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "the block ends: {body}");

    for (body, reason) in [
        (json!({"email": "admin@open-metadata.org", "password": "%%%"}), "password_not_base64"),
        (json!({"email": "admin@open-metadata.org", "password": ""}), "password_missing"),
        (json!({"email": "admin@open-metadata.org"}), "invalid_json"),
        (json!({"email": "a@b.c", "password": "eA==", "extra": 1}), "invalid_json"),
    ] {
        let (status, answer) = public(&s, "POST", "/api/v1/users/login", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        if reason != "invalid_json" {
            assert_eq!(answer["reason"], reason, "{body}");
        }
    }
}

#[tokio::test]
async fn sign_up_and_change_passwords() {
    let s = basic(&[]).await;
    let signup = |email: &str, password: &str| json!({"firstName": "Bob", "lastName": "Builder", "email": email, "password": password});
    let (status, weak) = public(&s, "POST", "/api/v1/users/signup", signup("bob@example.com", "password")).await;
    assert_eq!((status, weak["reason"].as_str()), (StatusCode::BAD_REQUEST, Some("password_too_weak")), "{weak}");
    let (status, bob) = public(&s, "POST", "/api/v1/users/signup", signup("Bob@Example.com", "Bob-Pass-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{bob}");
    assert_eq!(
        (bob["name"].as_str(), bob["email"].as_str(), bob["isAdmin"].as_bool()),
        (Some("bob"), Some("bob@example.com"), Some(false))
    );
    assert_eq!(bob["displayName"], "Bob Builder");
    let (status, twice) = public(&s, "POST", "/api/v1/users/signup", signup("bob@example.com", "Bob-Pass-1")).await;
    assert_eq!((status, twice["message"].as_str()), (StatusCode::BAD_REQUEST, Some("User with Email Already Exists")));
    // An admin principal is the server's to create: nobody claims it by signing up.
    let (status, claim) = public(&s, "POST", "/api/v1/users/signup", signup("admin@evil.example", "Evil-Pass-1")).await;
    assert_eq!((status, claim["reason"].as_str()), (StatusCode::FORBIDDEN, Some("reserved_name")), "{claim}");
    for bad in ["bob", "bob@", "@example.com", "bob@example", "b ob@example.com"] {
        let (status, _) = public(&s, "POST", "/api/v1/users/signup", signup(bad, "Bob-Pass-1")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }

    let (status, bob_login) = login(&s, "bob@example.com", "Bob-Pass-1").await;
    assert_eq!(status, StatusCode::OK, "{bob_login}");
    let token = bob_login["accessToken"].as_str().unwrap();
    let change = |old: &str, new: &str, confirm: &str| json!({"oldPassword": old, "newPassword": new, "confirmPassword": confirm, "requestType": "SELF"});
    let path = "/api/v1/users/changePassword";
    let (status, wrong) = api(&s, "PUT", path, token, Some(change("Nope-Pass-1", "Bob-Pass-2", "Bob-Pass-2"))).await;
    assert_eq!((status, wrong["message"].as_str()), (StatusCode::BAD_REQUEST, Some("Old Password is not correct")));
    let (status, _) = api(&s, "PUT", path, token, Some(change("Bob-Pass-1", "Bob-Pass-2", "Bob-Pass-3"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, done) = api(&s, "PUT", path, token, Some(change("Bob-Pass-1", "Bob-Pass-2", "Bob-Pass-2"))).await;
    assert_eq!((status, done.as_str()), (StatusCode::OK, Some("Password Updated Successfully")));
    // The session of the old password renews no more.
    let old_refresh = json!({"refreshToken": bob_login["refreshToken"]});
    let (status, _) = public(&s, "POST", "/api/v1/users/refresh", old_refresh).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&s, "bob@example.com", "Bob-Pass-1").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&s, "bob@example.com", "Bob-Pass-2").await.0, StatusCode::OK);

    // Someone else's password: admins only.
    let for_admin = json!({"username": "admin", "newPassword": "Taken-Over-1", "confirmPassword": "Taken-Over-1", "requestType": "USER"});
    let (status, _) = api(&s, "PUT", path, token, Some(for_admin)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(login(&s, "admin@open-metadata.org", ADMIN_PASSWORD).await.0, StatusCode::OK, "unchanged");
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let for_bob = json!({"username": "bob", "newPassword": "Reset-Pass-9", "confirmPassword": "Reset-Pass-9", "requestType": "USER"});
    let (status, _) = api(&s, "PUT", path, &admin, Some(for_bob)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(login(&s, "bob@example.com", "Reset-Pass-9").await.0, StatusCode::OK);
}

#[tokio::test]
async fn sign_up_rules_from_the_configuration() {
    let closed = basic(&[("AUTHENTICATION_ENABLE_SELF_SIGNUP", "false")]).await;
    let body = json!({"firstName": "A", "lastName": "B", "email": "ann@example.com", "password": "Ann-Pass-1"});
    let (status, answer) = public(&closed, "POST", "/api/v1/users/signup", body.clone()).await;
    assert_eq!((status, answer["reason"].as_str()), (StatusCode::FORBIDDEN, Some("SELF_SIGNUP_NOT_ENABLED")));
    let listed = basic(&[("AUTHORIZER_ALLOWED_REGISTRATION_DOMAIN", "[example.org]")]).await;
    let (status, answer) = public(&listed, "POST", "/api/v1/users/signup", body).await;
    assert_eq!((status, answer["reason"].as_str()), (StatusCode::BAD_REQUEST, Some("registration_domain_not_allowed")));
}

#[tokio::test]
async fn passwords_are_stored_only_as_argon2id_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let s = basic(&[("TESSERA_DATA_DIR", &data_dir)]).await;
    let (status, _) = public(
        &s,
        "POST",
        "/api/v1/users/signup",
        json!({"firstName": "C", "lastName": "D", "email": "carol@example.com", "password": "Carol-Unique-77"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let admin = s.state.accounts.user_by_name("admin").await.unwrap();
    let stored = s.store.password_hash(&admin.id).await.unwrap().unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    // No file of the data directory holds a password's bytes (WAL, journal and search index included).
    drop(s);
    let mut directories = vec![dir.path().to_path_buf()];
    while let Some(directory) = directories.pop() {
        for entry in std::fs::read_dir(directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                directories.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            for password in [ADMIN_PASSWORD, "Carol-Unique-77"] {
                assert!(!bytes.windows(password.len()).any(|w| w == password.as_bytes()), "{password} in {path:?}");
            }
        }
    }
    // A restart keeps the admin's password (it is set once, never replaced from the configuration).
    let again = server(&[
        ("AUTHENTICATION_PROVIDER", "basic"),
        ("AUTHORIZER_ADMIN_PRINCIPALS", "[admin:Other-Pass-42]"),
        ("TESSERA_DATA_DIR", &data_dir),
    ])
    .await;
    assert_eq!(login(&again, "admin@open-metadata.org", ADMIN_PASSWORD).await.0, StatusCode::OK);
    assert_eq!(login(&again, "admin@open-metadata.org", "Other-Pass-42").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn other_providers_refuse_the_password_endpoints() {
    let s = server(&[
        ("AUTHENTICATION_PROVIDER", "auth0"),
        ("AUTHENTICATION_AUTHORITY", "https://tenant.example.com"),
        ("AUTHENTICATION_CLIENT_ID", "client"),
    ])
    .await;
    for (path, body) in [
        ("/api/v1/users/login", json!({"email": "admin@open-metadata.org", "password": b64("admin")})),
        (
            "/api/v1/users/signup",
            json!({"firstName": "A", "lastName": "B", "email": "a@example.com", "password": "Ann-Pass-1"}),
        ),
        ("/api/v1/users/refresh", json!({"refreshToken": "x"})),
    ] {
        let (status, answer) = public(&s, "POST", path, body).await;
        assert_eq!(
            (status, answer["reason"].as_str()),
            (StatusCode::FORBIDDEN, Some("authenticator_operation_not_supported")),
            "{path}: {answer}"
        );
        assert!(
            answer["message"]
                .as_str()
                .unwrap()
                .starts_with("Operation is not permitted with the Selected Authenticator.")
        );
    }
    // Signing out a provider's token is the provider's business: refused, and the token still works.
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (status, answer) = api(&s, "POST", "/api/v1/users/logout", &admin, Some(json!({"token": admin}))).await;
    assert_eq!(
        (status, answer["reason"].as_str()),
        (StatusCode::FORBIDDEN, Some("authenticator_operation_not_supported"))
    );
    assert_eq!(api(&s, "GET", "/api/v1/users/loggedInUser", &admin, None).await.0, StatusCode::OK);
}
