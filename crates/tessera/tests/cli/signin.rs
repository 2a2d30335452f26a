//! The confidential client's sign-in (`/api/v1/auth/login` → provider → `/callback` → web UI,
//! `/api/v1/auth/refresh`, `/api/v1/auth/logout`) against the real Auth0-like provider, over HTTP
//! with a cookie jar: the happy path across a restart, and every failure ending on a readable page.

use crate::browser::{Browser, param};
use crate::idp::Provider;
use crate::support::*;
use serde_json::Value;

/// Tessera configured like the seed document's confidential env file, against `idp`.
fn confidential(idp: &Provider, env: Env) -> Env {
    let base = format!("http://127.0.0.1:{}", env.port);
    env.set("AUTHENTICATION_PROVIDER", "auth0")
        .set("AUTHENTICATION_CLIENT_TYPE", "confidential")
        .set("AUTHENTICATION_AUTHORITY", idp.issuer.trim_end_matches('/'))
        .set("AUTHENTICATION_CLIENT_ID", "tessera-web")
        .set("AUTHENTICATION_PUBLIC_KEYS", &format!("[{}.well-known/jwks.json]", idp.issuer))
        .set("AUTHENTICATION_CALLBACK_URL", &format!("{base}/callback"))
        .set("OIDC_CLIENT_ID", "tessera-web")
        .set("OIDC_TYPE", "auth0")
        .set("OIDC_CLIENT_SECRET", "tessera-web-secret")
        .set("OIDC_DISCOVERY_URI", &format!("{}.well-known/openid-configuration", idp.issuer))
        .set("OIDC_CALLBACK", &format!("{base}/callback"))
        .set("OIDC_SERVER_URL", &base)
        .set("OIDC_SCOPE", "openid email profile offline_access")
        .set("OIDC_PROMPT_TYPE", "consent")
        .set("AUTHORIZER_ADMIN_PRINCIPALS", "[admin]")
        .set("AUTHORIZER_PRINCIPAL_DOMAIN", "open-metadata.org")
}

/// Starts a sign-in; returns the provider's authorize URL.
async fn start(browser: &mut Browser, server: &Server) -> String {
    start_at(browser, &server.api).await
}

/// As [`start`], at the public URL `api` (a server or the load balancer in front).
async fn start_at(browser: &mut Browser, api: &str) -> String {
    let login = browser.get(&format!("{api}/api/v1/auth/login?redirectUri={api}/auth/callback")).await;
    assert_eq!(login.status, 302, "{}", login.body);
    login.location.unwrap()
}

/// Signs in at the provider as `user`; returns the callback URL the provider sent the browser to.
async fn at_provider(browser: &mut Browser, authorize: &str, user: &str, server: &Server) -> String {
    at_provider_for(browser, authorize, user, &server.api).await
}

async fn at_provider_for(browser: &mut Browser, authorize: &str, user: &str, api: &str) -> String {
    browser.follow_until(&format!("{authorize}&login_hint={user}"), &format!("{api}/callback")).await
}

async fn logged_in_user(server: &Server, token: &str) -> (u16, Value) {
    logged_in_user_at(&server.api, token).await
}

async fn logged_in_user_at(api: &str, token: &str) -> (u16, Value) {
    let response =
        reqwest::Client::new().get(format!("{api}/api/v1/users/loggedInUser")).bearer_auth(token).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

fn reason(body: &str) -> &str {
    let start = body.find("data-testid=\"signin-error-reason\">").map(|i| i + 34).unwrap_or(0);
    body[start..].split('<').next().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confidential_sign_in_survives_a_restart_refreshes_and_logs_out() {
    let env = Env::new();
    let base = format!("http://127.0.0.1:{}", env.port);
    // An ID token that lives 100 s: under Tessera's 120 s reuse margin, so refresh asks the provider.
    let idp = Provider::start_with(&["--redirect-uri", &format!("{base}/callback"), "--id-token-ttl", "100"]);
    let env = confidential(&idp, env)
        .set("OIDC_CUSTOM_PARAMS", "{customParamKey1: audience, customParamValue1: https://api.tessera.example}");
    let server = env.serve();
    let site = format!("127.0.0.1:{}", env.port);
    let mut browser = Browser::new();

    // Bad redirect URIs end on a page that says what is wrong; nothing is redirected.
    let page = browser.get(&format!("{}/api/v1/auth/login", server.api)).await;
    assert_eq!((page.status, reason(&page.body)), (400, "redirect_missing"));
    assert!(page.body.contains("Redirect URI is required"), "{}", page.body);
    let page = browser.get(&format!("{}/api/v1/auth/login?redirectUri=https://evil.example/x", server.api)).await;
    assert_eq!((page.status, reason(&page.body), page.location), (400, "redirect_not_allowed", None));

    // The sign-in starts: state, nonce, PKCE S256, the configured scope and prompt; an HttpOnly, Lax cookie.
    let authorize = start(&mut browser, &server).await;
    assert!(authorize.starts_with(&format!("{}authorize?", idp.issuer)), "{authorize}");
    for (name, value) in [
        ("response_type", "code"),
        ("client_id", "tessera-web"),
        ("redirect_uri", &format!("{base}/callback")),
        ("code_challenge_method", "S256"),
        ("scope", "openid email profile offline_access"),
        ("prompt", "consent"),
        ("audience", "https://api.tessera.example"),
    ] {
        assert_eq!(param(&authorize, name).as_deref(), Some(value), "{name} in {authorize}");
    }
    for name in ["state", "nonce", "code_challenge"] {
        assert!(param(&authorize, name).is_some_and(|v| v.len() >= 43), "{name} in {authorize}");
    }
    let cookies = browser.cookies(&site);
    assert!(!cookies.contains_key("tessera_session"), "no session before the sign-in: {cookies:?}");
    assert!(cookies.contains_key("tessera_signin"), "the sign-in in progress travels in its cookie: {cookies:?}");

    // Tessera restarts while the user is at the provider: the sign-in still completes.
    drop(server);
    let server = env.serve();
    let callback = at_provider(&mut browser, &authorize, "admin", &server).await;
    let done = browser.get(&callback).await;
    assert_eq!(done.status, 302, "{}", done.body);
    let landing = done.location.unwrap();
    assert!(landing.starts_with(&format!("{base}/auth/callback?")), "{landing}");
    assert_eq!(param(&landing, "email").as_deref(), Some("admin@open-metadata.org"));
    assert_eq!(param(&landing, "name").as_deref(), Some("admin"));
    let id_token = param(&landing, "id_token").unwrap();
    let cookie_line = done.set_cookie.iter().find(|c| c.starts_with("tessera_session=")).unwrap();
    assert!(cookie_line.contains("HttpOnly") && cookie_line.contains("SameSite=Lax"), "{cookie_line}");
    let signed_in = browser.cookies(&site)["tessera_session"].clone();
    assert!(!browser.cookies(&site).contains_key("tessera_signin"), "the finished sign-in's cookie is cleared");

    // The web UI's page takes the token in the browser that signed in (its hand-off cookie), once.
    let page = browser.get(&landing).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!browser.cookies(&site).contains_key("tessera_handoff"), "the hand-off cookie is used up");

    // The ID token is what the web UI sends as its bearer token.
    let (status, me) = logged_in_user(&server, &id_token).await;
    assert_eq!((status, me["name"].as_str(), me["isAdmin"].as_bool()), (200, Some("admin"), Some(true)), "{me}");

    // The same answer from the provider cannot be used twice.
    let replay = browser.get(&callback).await;
    assert_eq!((replay.status, reason(&replay.body)), (400, "no_pending_sign_in"));

    // Refresh: a new ID token from the provider's refresh grant, which works on the API.
    let refreshed = browser.get(&format!("{}/api/v1/auth/refresh", server.api)).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let refreshed: Value = serde_json::from_str(&refreshed.body).unwrap();
    let new_token = refreshed["accessToken"].as_str().unwrap();
    assert_ne!(new_token, id_token);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let expiry = refreshed["expiryDuration"].as_i64().unwrap();
    assert!((now + 60..=now + 110).contains(&expiry), "expiryDuration {expiry} is the new token's exp (now {now})");
    let (status, _) = logged_in_user(&server, new_token).await;
    assert_eq!(status, 200);

    // Logout ends Tessera's session and sends the browser to the provider's end-session endpoint.
    let out = browser.get(&format!("{}/api/v1/auth/logout", server.api)).await;
    assert_eq!(out.status, 302);
    let to = out.location.unwrap();
    assert!(to.starts_with(&format!("{}v2/logout?", idp.issuer)), "{to}");
    assert_eq!(param(&to, "post_logout_redirect_uri").as_deref(), Some(&*format!("{base}/logout")));
    assert_eq!(param(&to, "client_id").as_deref(), Some("tessera-web"));
    assert!(param(&to, "id_token_hint").is_some());
    assert!(!browser.cookies(&site).contains_key("tessera_session"), "the cookie is cleared");
    // Even with the old cookie, the session is gone.
    browser.set_cookies(&site, [("tessera_session".to_string(), signed_in)].into());
    let after = browser.get(&format!("{}/api/v1/auth/refresh", server.api)).await;
    assert_eq!(after.status, 401, "{}", after.body);
    assert_eq!(serde_json::from_str::<Value>(&after.body).unwrap()["reason"], "session_missing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confidential_sign_in_failures_end_on_a_readable_page() {
    let env = Env::new();
    let base = format!("http://127.0.0.1:{}", env.port);
    let mut idp = Provider::start_with(&["--redirect-uri", &format!("{base}/callback")]);
    let env = confidential(&idp, env);
    let server = env.serve();
    let callback = format!("{}/callback", server.api);

    // No sign-in started in this browser.
    let page = Browser::new().get(&format!("{callback}?code=abc&state=xyz")).await;
    assert_eq!((page.status, reason(&page.body)), (400, "no_pending_sign_in"));
    assert!(page.body.contains("href=\"/signin\""), "a way back: {}", page.body);

    // A state that is not the one sent.
    let mut browser = Browser::new();
    start(&mut browser, &server).await;
    let page = browser.get(&format!("{callback}?code=abc&state=forged")).await;
    assert_eq!((page.status, reason(&page.body)), (400, "state_mismatch"));
    assert!(page.body.contains("State parameter is different"), "{}", page.body);

    // The provider answers with an error.
    let authorize = start(&mut browser, &server).await;
    let state = param(&authorize, "state").unwrap();
    let page =
        browser.get(&format!("{callback}?error=access_denied&error_description=User+said+no&state={state}")).await;
    assert_eq!((page.status, reason(&page.body)), (400, "provider_error"));
    assert!(page.body.contains("access_denied") && page.body.contains("User said no"), "{}", page.body);

    // An answer naming another issuer (mix-up attack) is refused before the code is used.
    let authorize = start(&mut browser, &server).await;
    let state = param(&authorize, "state").unwrap();
    let page = browser.get(&format!("{callback}?code=abc&state={state}&iss=https%3A%2F%2Fevil.example%2F")).await;
    assert_eq!((page.status, reason(&page.body)), (400, "issuer_mismatch"));

    // A code used once already (a leaked callback URL) is refused by the provider.
    let mut first = Browser::new();
    let authorize = start(&mut first, &server).await;
    let used = at_provider(&mut first, &authorize, "alice", &server).await;
    assert_eq!(first.get(&used).await.status, 302);
    let mut second = Browser::new();
    let authorize = start(&mut second, &server).await;
    let replayed_code = param(&used, "code").unwrap();
    let state = param(&authorize, "state").unwrap();
    let iss = url::form_urlencoded::byte_serialize(idp.issuer.as_bytes()).collect::<String>();
    let page = second.get(&format!("{callback}?code={replayed_code}&state={state}&iss={iss}")).await;
    assert_eq!((page.status, reason(&page.body)), (400, "token_refused"), "{}", page.body);
    assert!(page.body.contains("invalid_grant"), "{}", page.body);

    // The provider goes down between the sign-in and the callback: 502, with a way back.
    let mut browser = Browser::new();
    let authorize = start(&mut browser, &server).await;
    let answer = at_provider(&mut browser, &authorize, "admin", &server).await;
    idp.stop();
    let page = browser.get(&answer).await;
    assert_eq!((page.status, reason(&page.body)), (502, "provider_unreachable"), "{}", page.body);

    // A provider that cannot be reached at all: the sign-in cannot start.
    let dead = format!("http://127.0.0.1:{}/", free_port());
    let env = Env::new()
        .set("AUTHENTICATION_PROVIDER", "auth0")
        .set("AUTHENTICATION_CLIENT_TYPE", "confidential")
        .set("AUTHENTICATION_AUTHORITY", &dead)
        .set("AUTHENTICATION_CLIENT_ID", "tessera-web")
        .set("AUTHENTICATION_PUBLIC_KEYS", &format!("[{dead}.well-known/jwks.json]"))
        .set("OIDC_CLIENT_ID", "tessera-web")
        .set("OIDC_CLIENT_SECRET", "tessera-web-secret")
        .set("OIDC_DISCOVERY_URI", &format!("{dead}.well-known/openid-configuration"));
    let env = {
        let base = format!("http://127.0.0.1:{}", env.port);
        env.set("OIDC_CALLBACK", &format!("{base}/callback")).set("OIDC_SERVER_URL", &base)
    };
    let unreachable = env.serve();
    let page =
        Browser::new().get(&format!("{}/api/v1/auth/login?redirectUri={}/", unreachable.api, unreachable.api)).await;
    assert_eq!((page.status, reason(&page.body)), (502, "provider_unreachable"), "{}", page.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_client_secret_is_reported_not_hidden() {
    let env = Env::new();
    let idp = Provider::start_with(&["--redirect-uri", &format!("http://127.0.0.1:{}/callback", env.port)]);
    let env = confidential(&idp, env).set("OIDC_CLIENT_SECRET", "not-the-secret");
    let server = env.serve();
    let mut browser = Browser::new();
    let authorize = start(&mut browser, &server).await;
    let answer = at_provider(&mut browser, &authorize, "alice", &server).await;
    let page = browser.get(&answer).await;
    assert_eq!((page.status, reason(&page.body)), (400, "token_refused"), "{}", page.body);
    assert!(page.body.contains("invalid_client"), "{}", page.body);
}

/// Two replicas on one PostgreSQL database behind one public URL: the sign-in starts on one and the
/// provider's answer lands on the other (no sticky sessions needed, unlike the original).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_started_on_one_replica_finishes_on_the_other() {
    // Its own thread: it runs a small runtime of its own.
    let database = std::thread::spawn(crate::replicas::fresh_postgres_database).join().unwrap();
    let Some(database) = database else { return };
    let first = Env::new();
    let public_base = format!("http://127.0.0.1:{}", first.port);
    let idp = Provider::start_with(&["--redirect-uri", &format!("{public_base}/callback")]);
    let first = confidential(&idp, first).set("DATABASE_URL", &database);
    let a = first.serve();
    let keys = first.data_dir();
    let second = confidential(&idp, Env::new())
        .set("DATABASE_URL", &database)
        .set("OIDC_CALLBACK", &format!("{public_base}/callback"))
        .set("OIDC_SERVER_URL", &public_base)
        .set("RSA_PRIVATE_KEY_FILE_PATH", keys.join("jwt_private_key.der").to_str().unwrap())
        .set("RSA_PUBLIC_KEY_FILE_PATH", keys.join("jwt_public_key.der").to_str().unwrap());
    let b = second.serve();

    let mut browser = Browser::new();
    let authorize = start(&mut browser, &a).await;
    let answer = at_provider(&mut browser, &authorize, "admin", &a).await;
    // The load balancer sends the callback to the other replica.
    let (site_a, site_b) = (format!("127.0.0.1:{}", first.port), format!("127.0.0.1:{}", second.port));
    browser.set_cookies(&site_b, browser.cookies(&site_a));
    let done = browser.get(&answer.replace(&a.api, &b.api)).await;
    assert_eq!(done.status, 302, "{}", done.body);
    let id_token = param(&done.location.unwrap(), "id_token").unwrap();
    let (status, me) = logged_in_user(&b, &id_token).await;
    assert_eq!((status, me["isAdmin"].as_bool()), (200, Some(true)), "{me}");
    // And the session it created serves a refresh on the first one.
    browser.set_cookies(&site_a, browser.cookies(&site_b));
    let refreshed = browser.get(&format!("{}/api/v1/auth/refresh", a.api)).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
}

/// The same through deploy/nginx.conf (Debian's nginx, round robin): the browser only ever sees
/// nginx's address, the sign-in starts on one replica and its callback lands on the other (the
/// replicas' request logs show which), and the session serves a refresh through nginx.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_through_nginx_crosses_replicas() {
    let database = std::thread::spawn(crate::replicas::fresh_postgres_database).join().unwrap();
    let Some(database) = database else { return };
    let nginx_port = free_port();
    let public = format!("http://127.0.0.1:{nginx_port}");
    let idp = Provider::start_with(&["--redirect-uri", &format!("{public}/callback")]);
    // Both replicas share the database and one signing key, and know only the public address.
    let keys = tempfile::tempdir().unwrap();
    keys_in(keys.path());
    let replica = || {
        confidential(&idp, Env::new())
            .set("DATABASE_URL", &database)
            .set("AUTHENTICATION_CALLBACK_URL", &format!("{public}/callback"))
            .set("OIDC_CALLBACK", &format!("{public}/callback"))
            .set("OIDC_SERVER_URL", &public)
            .set("RSA_PRIVATE_KEY_FILE_PATH", keys.path().join("jwt_private_key.der").to_str().unwrap())
            .set("RSA_PUBLIC_KEY_FILE_PATH", keys.path().join("jwt_public_key.der").to_str().unwrap())
    };
    let (first, second) = (replica(), replica());
    let (a, b) = (first.serve(), second.serve());
    let nginx = crate::topology::Nginx::start_on(nginx_port, &first, &second);
    assert_eq!(nginx.url, public);

    let mut browser = Browser::new();
    let authorize = start_at(&mut browser, &public).await;
    let answer = at_provider_for(&mut browser, &authorize, "admin", &public).await;
    let done = browser.get(&answer).await;
    assert_eq!(done.status, 302, "{}", done.body);
    let location = done.location.unwrap();
    assert!(location.starts_with(&format!("{public}/auth/callback")), "{location}");
    let id_token = param(&location, "id_token").unwrap();
    let (status, me) = logged_in_user_at(&public, &id_token).await;
    assert_eq!((status, me["isAdmin"].as_bool()), (200, Some(true)), "{me}");
    let refreshed = browser.get(&format!("{public}/api/v1/auth/refresh")).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);

    drop(nginx);
    let (logs_a, logs_b) = (a.stop().1, b.stop().1);
    let served =
        |log: &str, path: &str| log.lines().any(|l| l.contains(" request ") && l.contains(&format!(" path={path} ")));
    let login = (served(&logs_a, "/api/v1/auth/login"), served(&logs_b, "/api/v1/auth/login"));
    let callback = (served(&logs_a, "/callback"), served(&logs_b, "/callback"));
    assert!(
        login == (true, false) && callback == (false, true) || login == (false, true) && callback == (true, false),
        "the sign-in should start on one replica and finish on the other (round robin): login on (a, b) = {login:?}, \
         callback on (a, b) = {callback:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_secret_basic_and_a_key_rotation_between_sign_ins() {
    let env = Env::new();
    let idp = Provider::start_with(&["--redirect-uri", &format!("http://127.0.0.1:{}/callback", env.port)]);
    let env = confidential(&idp, env)
        .set("AUTHENTICATION_CLIENT_ID", "tessera-web-basic")
        .set("OIDC_CLIENT_ID", "tessera-web-basic")
        .set("OIDC_CLIENT_AUTH_METHOD", "client_secret_basic");
    let server = env.serve();
    let sign_in = |user: &'static str| {
        let server = &server;
        let idp = &idp;
        async move {
            let mut browser = Browser::new();
            let authorize = start(&mut browser, server).await;
            assert_eq!(param(&authorize, "client_id").as_deref(), Some("tessera-web-basic"));
            let answer = at_provider(&mut browser, &authorize, user, server).await;
            let done = browser.get(&answer).await;
            assert_eq!(done.status, 302, "{} (issuer {})", done.body, idp.issuer);
            param(&done.location.unwrap(), "id_token").unwrap()
        }
    };
    let (status, _) = logged_in_user(&server, &sign_in("admin").await).await;
    assert_eq!(status, 200);
    // The provider rotates its signing key (dropping the old one) between two sign-ins: the next
    // ID token has an unknown kid, which makes Tessera refetch the JWKS (at most once per 5 s).
    idp.rotate().await;
    tokio::time::sleep(tessera_auth::verify::MIN_REFETCH_INTERVAL).await;
    let (status, me) = logged_in_user(&server, &sign_in("admin").await).await;
    assert_eq!((status, me["name"].as_str()), (200, Some("admin")), "{me}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_outside_the_principal_domain_is_refused_at_sign_in() {
    let env = Env::new();
    let idp = Provider::start_with(&["--redirect-uri", &format!("http://127.0.0.1:{}/callback", env.port)]);
    let env = confidential(&idp, env).set("AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN", "true");
    let server = env.serve();
    let mut browser = Browser::new();
    let authorize = start(&mut browser, &server).await;
    let answer = at_provider(&mut browser, &authorize, "eve", &server).await;
    let page = browser.get(&answer).await;
    assert_eq!((page.status, reason(&page.body)), (403, "principal_domain_mismatch"), "{}", page.body);
    assert!(page.body.contains("open-metadata.org"), "{}", page.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_jwks_missing_from_the_public_keys_is_named_on_the_page() {
    let env = Env::new();
    let idp = Provider::start_with(&["--redirect-uri", &format!("http://127.0.0.1:{}/callback", env.port)]);
    // Another tenant's keys: reachable, but none of them signed this provider's tokens.
    let other_tenant = Provider::start();
    let elsewhere = format!("{}.well-known/jwks.json", other_tenant.issuer);
    let env = confidential(&idp, env).set("AUTHENTICATION_PUBLIC_KEYS", &format!("[{elsewhere}]"));
    let server = env.serve();
    let mut browser = Browser::new();
    let authorize = start(&mut browser, &server).await;
    let answer = at_provider(&mut browser, &authorize, "admin", &server).await;
    let page = browser.get(&answer).await;
    assert_eq!((page.status, reason(&page.body)), (400, "id_token_rejected"), "{}", page.body);
    assert!(
        page.body.contains(&format!("add the provider&#39;s {}.well-known/jwks.json", idp.issuer)),
        "{}",
        page.body
    );
}

/// Attack review findings 10 and 11. Sign-ins nobody finishes write nothing (the sign-in in
/// progress travels in a sealed cookie), and the page that receives the token refuses a token
/// from a sign-in that did not happen in this browser (login CSRF: a link carrying the attacker's
/// token would otherwise sign the victim in as the attacker).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_sign_ins_leave_no_rows_and_a_token_handed_to_another_browser_is_refused() {
    let env = Env::new();
    let idp = Provider::start_with(&["--redirect-uri", &format!("http://127.0.0.1:{}/callback", env.port)]);
    let env = confidential(&idp, env);
    let server = env.serve();
    let site = format!("127.0.0.1:{}", env.port);

    for _ in 0..500 {
        let mut stranger = Browser::new();
        start(&mut stranger, &server).await;
    }
    let database = env.data_dir().join("tessera.db");
    let store =
        tessera_store::Store::connect(&tessera_config::DatabaseConfig::Sqlite { path: database }).await.unwrap();
    let rows = store.query_texts_raw("SELECT CAST(COUNT(*) AS TEXT) FROM sessions").await.unwrap();
    assert_eq!(rows, ["0"], "500 abandoned sign-ins may leave at most 50 rows; they leave none");
    // A forged pending cookie (not sealed by this server) starts nothing either.
    let mut forger = Browser::new();
    let authorize = start(&mut forger, &server).await;
    let state = param(&authorize, "state").unwrap();
    forger.set_cookies(&site, [("tessera_signin".to_string(), "gAAAAABforged".to_string())].into());
    let page = forger.get(&format!("{}/callback?code=abc&state={state}", server.api)).await;
    assert_eq!((page.status, reason(&page.body)), (400, "no_pending_sign_in"), "{}", page.body);

    // The attacker signs in in their own browser and keeps the hand-off URL instead of opening it.
    let mut attacker = Browser::new();
    let authorize = start(&mut attacker, &server).await;
    let answer = at_provider(&mut attacker, &authorize, "alice", &server).await;
    let done = attacker.get(&answer).await;
    assert_eq!(done.status, 302, "{}", done.body);
    let attackers_link = done.location.unwrap();
    assert!(param(&attackers_link, "id_token").is_some(), "{attackers_link}");

    // The victim opens it: refused, and the page carries no web UI that would keep the token.
    let mut victim = Browser::new();
    let page = victim.get(&attackers_link).await;
    assert_eq!((page.status, reason(&page.body)), (400, "handoff_unbound"), "{}", page.body);
    assert!(page.body.contains("did not happen in this browser"), "{}", page.body);
    assert!(!page.body.contains("/assets/js/main.js"), "no web UI on a refused hand-off: {}", page.body);
    // Nor when the victim has just signed in themselves: their hand-off cookie is for their token.
    let mine = start(&mut victim, &server).await;
    let mine = at_provider(&mut victim, &mine, "bob", &server).await;
    assert_eq!(victim.get(&mine).await.status, 302);
    assert!(victim.cookies(&site).contains_key("tessera_handoff"));
    let page = victim.get(&attackers_link).await;
    assert_eq!((page.status, reason(&page.body)), (400, "handoff_unbound"), "{}", page.body);
    // The attacker's own browser still takes its own token.
    assert_eq!(attacker.get(&attackers_link).await.status, 200);
}
