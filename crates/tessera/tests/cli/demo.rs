//! `tessera demo`, as a newcomer runs it: the real binary with its built-in identity provider,
//! each demo user signing in through the public client (PKCE) and the confidential client.

use crate::browser::{Browser, param};
use crate::support::*;
use serde_json::{Value, json};
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// RFC 7636 appendix B: a verifier and its S256 challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

struct Demo {
    child: Option<Child>,
    dir: tempfile::TempDir,
    stdout: Arc<Mutex<String>>,
    /// `http://localhost:PORT`, the address the banner tells people to open.
    api: String,
    idp: String,
}

impl Demo {
    fn command(dir: &std::path::Path, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .arg("demo")
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .current_dir(dir);
        command
    }

    fn start(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (port, admin, idp_port) = (free_port(), free_port(), free_port());
        let ports = [port.to_string(), admin.to_string(), idp_port.to_string()];
        let mut args = vec!["--port", &ports[0], "--admin-port", &ports[1], "--idp-port", &ports[2]];
        args.extend_from_slice(extra);
        let mut child = Self::command(dir.path(), &args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let stdout = Arc::new(Mutex::new(String::new()));
        let (mut pipe, sink) = (child.stdout.take().unwrap(), stdout.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let demo = Self {
            child: Some(child),
            dir,
            stdout,
            api: format!("http://localhost:{port}"),
            idp: format!("http://127.0.0.1:{idp_port}/"),
        };
        demo.wait_for_banner();
        demo
    }

    /// The banner is printed once both servers are up and the admin is bootstrapped.
    fn wait_for_banner(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.stdout.lock().unwrap().contains("AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN=true") {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no banner within 20 s; stdout so far:\n{}", self.stdout.lock().unwrap());
    }

    fn banner(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn stop(mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        child.wait().unwrap()
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The interaction id in the provider's login form.
fn interaction(page: &str) -> String {
    let rest = page.split("name=\"interaction\" value=\"").nth(1).unwrap_or_else(|| panic!("no login form: {page}"));
    rest.split('"').next().unwrap().to_string()
}

/// What the web UI does for a public client: authorization code with PKCE, then the code exchange.
async fn public_sign_in(browser: &mut Browser, demo: &Demo, user: &str) -> String {
    let redirect = format!("{}/callback", demo.api);
    let mut authorize = url::Url::parse(&format!("{}authorize", demo.idp)).unwrap();
    authorize
        .query_pairs_mut()
        .append_pair("client_id", "tessera-demo")
        .append_pair("redirect_uri", &redirect)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid email profile offline_access")
        .append_pair("state", "s")
        .append_pair("nonce", "n")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256");
    let page = browser.get(authorize.as_str()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let chosen = browser
        .post_form(&format!("{}authorize", demo.idp), &[("interaction", &interaction(&page.body)), ("user", user)])
        .await;
    let callback = chosen.location.expect("back to Tessera");
    assert!(callback.starts_with(&redirect), "{callback}");
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", "tessera-demo"),
        ("code", &param(&callback, "code").unwrap()),
        ("redirect_uri", &redirect),
        ("code_verifier", VERIFIER),
    ];
    let tokens = browser.post_form(&format!("{}oauth/token", demo.idp), &form).await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let tokens: Value = serde_json::from_str(&tokens.body).unwrap();
    tokens["id_token"].as_str().unwrap().to_string()
}

async fn call(demo: &Demo, method: reqwest::Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", demo.api)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_user_signs_in_through_the_public_client() {
    let demo = Demo::start(&[]);
    let banner = demo.banner();
    for expected in [
        "DEVELOPMENT ONLY",
        &format!("Open {}", demo.api),
        "admin@example.com",
        "alice@example.com",
        "mallory@outside.example",
        &format!("Identity provider  {}", demo.idp),
        "AUTHENTICATION_CLIENT_TYPE=public",
        "AUTHENTICATION_CLIENT_ID=tessera-demo\n",
    ] {
        assert!(banner.contains(expected), "{expected:?} missing from the banner:\n{banner}");
    }
    let mut browser = Browser::new();
    let ui = browser.get(&format!("{}/", demo.api)).await;
    assert!(ui.status == 200 && ui.body.contains("<html"), "the web UI is served: {}", ui.status);

    // The admin principal was bootstrapped at start.
    let admin = public_sign_in(&mut browser, &demo, "admin").await;
    let (status, me) = call(&demo, reqwest::Method::GET, "/api/v1/users/loggedInUser", &admin, None).await;
    assert_eq!((status, me["email"].as_str(), me["isAdmin"].as_bool()), (200, Some("admin@example.com"), Some(true)));

    // Alice signs up on her first visit and is no admin.
    let alice = public_sign_in(&mut browser, &demo, "alice").await;
    let (status, body) = call(&demo, reqwest::Method::GET, "/api/v1/users/loggedInUser", &alice, None).await;
    assert_eq!(status, 404, "{body}");
    let profile = json!({"name": "alice", "email": "alice@example.com", "displayName": "Alice Example"});
    let (status, body) = call(&demo, reqwest::Method::POST, "/api/v1/users", &alice, Some(profile)).await;
    assert_eq!(status, 201, "{body}");
    let (status, me) = call(&demo, reqwest::Method::GET, "/api/v1/users/loggedInUser", &alice, None).await;
    assert_eq!((status, me["isAdmin"].as_bool()), (200, Some(false)), "{me}");
    let (_, bot) = call(&demo, reqwest::Method::GET, "/api/v1/bots/name/ingestion-bot", &admin, None).await;
    let credentials = format!("/api/v1/users/token/{}", bot["botUser"]["id"].as_str().unwrap());
    let (status, _) = call(&demo, reqwest::Method::GET, &credentials, &admin, None).await;
    assert_eq!(status, 200, "the admin reads the ingestion bot's token");
    let (status, body) = call(&demo, reqwest::Method::GET, &credentials, &alice, None).await;
    assert_eq!(status, 403, "alice cannot: {body}");

    // Mallory is outside the principal domain: the original's 401 and message.
    let mallory = public_sign_in(&mut browser, &demo, "mallory").await;
    let (status, body) = call(&demo, reqwest::Method::GET, "/api/v1/users/loggedInUser", &mallory, None).await;
    assert_eq!((status, body["reason"].as_str()), (401, Some("principal_domain_mismatch")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("principal domain example.com"), "{body}");

    assert!(demo.dir.path().join("demo-data").is_dir(), "the default data dir is ./demo-data");
    assert!(demo.stop().success(), "SIGTERM stops both servers cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_confidential_demo_signs_in_on_the_server_and_logs_out_at_the_provider() {
    let demo = Demo::start(&["--confidential"]);
    let banner = demo.banner();
    assert!(banner.contains("AUTHENTICATION_CLIENT_TYPE=confidential"), "{banner}");
    assert!(banner.contains("OIDC_CLIENT_SECRET=(generated for this run, not shown)"), "{banner}");

    let mut browser = Browser::new();
    let landing = format!("{}/", demo.api);
    let login = browser.get(&format!("{}/api/v1/auth/login?redirectUri={landing}", demo.api)).await;
    let authorize = login.location.unwrap_or_else(|| panic!("HTTP {}: {}", login.status, login.body));
    assert!(authorize.starts_with(&format!("{}authorize?", demo.idp)), "{authorize}");
    assert_eq!(param(&authorize, "client_id").as_deref(), Some("tessera-demo-web"));
    let page = browser.get(&authorize).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let chosen = browser
        .post_form(&format!("{}authorize", demo.idp), &[("interaction", &interaction(&page.body)), ("user", "admin")])
        .await;
    let callback = chosen.location.expect("back to Tessera's /callback");
    let done = browser.get(&callback).await;
    let back = done.location.unwrap_or_else(|| panic!("HTTP {}: {}", done.status, done.body));
    assert!(back.starts_with(&landing), "{back}");
    assert_eq!(param(&back, "email").as_deref(), Some("admin@example.com"));
    let token = param(&back, "id_token").unwrap();
    let (status, me) = call(&demo, reqwest::Method::GET, "/api/v1/users/loggedInUser", &token, None).await;
    assert_eq!((status, me["isAdmin"].as_bool()), (200, Some(true)), "{me}");

    // Logout ends the session here and at the provider, which sends the browser back to Tessera.
    let out = browser.get(&format!("{}/api/v1/auth/logout", demo.api)).await;
    let at_provider = out.location.expect("to the provider's logout");
    assert!(at_provider.starts_with(&format!("{}v2/logout?", demo.idp)), "{at_provider}");
    let returned = browser.get(&at_provider).await;
    assert!(returned.location.as_deref().is_some_and(|l| l.starts_with(&demo.api)), "{:?}", returned.location);
    let refresh = browser.get(&format!("{}/api/v1/auth/refresh", demo.api)).await;
    assert_eq!(refresh.status, 401, "the session is gone: {}", refresh.body);
}

#[test]
fn a_taken_provider_port_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Demo::command(dir.path(), &["--idp-port", &port]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--idp-port"), "{}", stderr(&output));
    assert!(!dir.path().join("demo-data").exists(), "nothing written before every port is bound");
}
