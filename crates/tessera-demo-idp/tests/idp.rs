//! The demo provider over HTTP, as a relying party sees it: discovery, the login page, both client
//! types, PKCE, refresh, userinfo, logout, and every refusal a real Auth0 tenant would give.

use serde_json::Value;
use std::collections::HashMap;
use tessera_demo_idp::{CONFIDENTIAL_CLIENT_ID, DemoIdp, Options, PUBLIC_CLIENT_ID};

/// RFC 7636 appendix B: a verifier and its S256 challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const TESSERA: &str = "http://localhost:8585";

struct Running {
    issuer: String,
    secret: String,
    http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start() -> Running {
    let mut options = Options::new(0, 8585, "example.com");
    options.address = "127.0.0.1:0".parse().unwrap();
    let idp = DemoIdp::bind(options).unwrap();
    let (issuer, secret) = (idp.issuer().to_string(), idp.confidential_secret().to_string());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(idp.serve(async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Running { issuer, secret, http, _stop: stop }
}

impl Running {
    fn authorize_url(&self, client: &str, extra: &[(&str, &str)]) -> String {
        let mut url = url::Url::parse(&format!("{}authorize", self.issuer)).unwrap();
        url.query_pairs_mut()
            .append_pair("client_id", client)
            .append_pair("redirect_uri", &format!("{TESSERA}/callback"))
            .append_pair("scope", "openid email profile offline_access")
            .append_pair("state", "st-1")
            .append_pair("nonce", "n-1");
        for (k, v) in extra {
            url.query_pairs_mut().append_pair(k, v);
        }
        url.to_string()
    }

    /// Opens the login page; returns its status and the one-time interaction id in its form.
    async fn login_page(&self, url: &str) -> (u16, String, Option<String>) {
        let page = self.http.get(url).send().await.unwrap();
        let status = page.status().as_u16();
        let body = page.text().await.unwrap();
        let interaction = body
            .split("name=\"interaction\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_string);
        (status, body, interaction)
    }

    /// Clicks a user on the login page; returns where the browser is sent.
    async fn choose(&self, interaction: &str, user: &str) -> (u16, String) {
        let form = [("interaction", interaction), ("user", user)];
        let response = self.http.post(format!("{}authorize", self.issuer)).form(&form).send().await.unwrap();
        let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_string());
        (response.status().as_u16(), location.unwrap_or_else(|| "(no redirect)".into()))
    }

    async fn code_for(&self, client: &str, user: &str, extra: &[(&str, &str)]) -> String {
        let (status, body, interaction) = self.login_page(&self.authorize_url(client, extra)).await;
        assert_eq!(status, 200, "{body}");
        let (status, location) = self.choose(&interaction.unwrap(), user).await;
        assert_eq!(status, 302);
        assert!(location.starts_with(&format!("{TESSERA}/callback?")), "{location}");
        assert_eq!(param(&location, "state").as_deref(), Some("st-1"));
        param(&location, "code").expect("a code")
    }

    /// The public client's code exchange with a PKCE verifier.
    async fn exchange(&self, code: &str, verifier: &str) -> (u16, Value) {
        let redirect = format!("{TESSERA}/callback");
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("code", code),
            ("redirect_uri", redirect.as_str()),
            ("code_verifier", verifier),
        ];
        self.token(&form).await
    }

    async fn token(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self.http.post(format!("{}oauth/token", self.issuer)).form(form).send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }
}

fn param(url: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let from_fragment = url.fragment().map(|f| url::form_urlencoded::parse(f.as_bytes()).into_owned().collect());
    let pairs: HashMap<String, String> = from_fragment.unwrap_or_else(|| url.query_pairs().into_owned().collect());
    pairs.get(name).cloned()
}

/// The claims of a JWT, checked against the provider's published key.
async fn verified_claims(idp: &Running, token: &str, audience: &str) -> Value {
    let jwks: jsonwebtoken::jwk::JwkSet =
        idp.http.get(format!("{}.well-known/jwks.json", idp.issuer)).send().await.unwrap().json().await.unwrap();
    let kid = jsonwebtoken::decode_header(token).unwrap().kid.unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(jwks.find(&kid).expect("the kid is published")).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[&idp.issuer]);
    jsonwebtoken::decode::<Value>(token, &key, &validation).unwrap().claims
}

#[tokio::test]
async fn discovery_looks_like_an_auth0_tenant() {
    let idp = start().await;
    let doc: Value = idp
        .http
        .get(format!("{}.well-known/openid-configuration", idp.issuer))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(idp.issuer.starts_with("http://127.0.0.1:") && idp.issuer.ends_with('/'), "{}", idp.issuer);
    assert_eq!(doc["issuer"], idp.issuer.as_str());
    for (field, path) in [
        ("authorization_endpoint", "authorize"),
        ("token_endpoint", "oauth/token"),
        ("jwks_uri", ".well-known/jwks.json"),
        ("end_session_endpoint", "v2/logout"),
        ("revocation_endpoint", "oauth/revoke"),
    ] {
        assert_eq!(doc[field], format!("{}{path}", idp.issuer), "{field}");
    }
}

#[tokio::test]
async fn public_client_code_flow_with_pkce_refresh_and_userinfo() {
    let idp = start().await;
    let pkce = [("response_type", "code"), ("code_challenge", CHALLENGE), ("code_challenge_method", "S256")];
    let code = idp.code_for(PUBLIC_CLIENT_ID, "alice", &pkce).await;
    // A wrong verifier spends the code: even the right one afterwards finds nothing.
    let (status, body) = idp.exchange(&code, "not-the-verifier-but-long-enough-to-be-a-verifier-0000").await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    let (status, body) = idp.exchange(&code, VERIFIER).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");

    let code = idp.code_for(PUBLIC_CLIENT_ID, "alice", &pkce).await;
    let (status, tokens) = idp.exchange(&code, VERIFIER).await;
    assert_eq!(status, 200, "{tokens}");
    let claims = verified_claims(&idp, tokens["id_token"].as_str().unwrap(), PUBLIC_CLIENT_ID).await;
    assert_eq!(claims["sub"], "auth0|alice");
    assert_eq!(claims["email"], "alice@example.com");
    assert_eq!(claims["nonce"], "n-1");
    assert!(claims["at_hash"].is_string(), "{claims}");
    let (status, body) = idp.exchange(&code, VERIFIER).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "a code counts once: {body}");

    let userinfo = idp
        .http
        .get(format!("{}userinfo", idp.issuer))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(userinfo.status(), 200);
    assert_eq!(userinfo.json::<Value>().await.unwrap()["email"], "alice@example.com");
    let unknown = idp.http.get(format!("{}userinfo", idp.issuer)).bearer_auth("nope").send().await.unwrap();
    assert_eq!(unknown.status(), 401);

    let refresh = tokens["refresh_token"].as_str().expect("offline_access gives a refresh token");
    let (status, renewed) = idp
        .token(&[("grant_type", "refresh_token"), ("client_id", PUBLIC_CLIENT_ID), ("refresh_token", refresh)])
        .await;
    assert_eq!(status, 200, "{renewed}");
    let claims = verified_claims(&idp, renewed["id_token"].as_str().unwrap(), PUBLIC_CLIENT_ID).await;
    assert_eq!((claims["iss"].as_str(), claims["sub"].as_str()), (Some(idp.issuer.as_str()), Some("auth0|alice")));
    let (status, body) = idp
        .token(&[("grant_type", "refresh_token"), ("client_id", CONFIDENTIAL_CLIENT_ID), ("refresh_token", refresh)])
        .await;
    assert_eq!(status, 401, "another client cannot use it (and has no secret here): {body}");

    // Revoked at sign-out (RFC 7009): the refresh token is dead.
    let revoked = idp
        .http
        .post(format!("{}oauth/revoke", idp.issuer))
        .form(&[("client_id", PUBLIC_CLIENT_ID), ("token", refresh), ("token_type_hint", "refresh_token")])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let (status, body) = idp
        .token(&[("grant_type", "refresh_token"), ("client_id", PUBLIC_CLIENT_ID), ("refresh_token", refresh)])
        .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
}

#[tokio::test]
async fn the_public_client_must_use_pkce_and_implicit_needs_a_nonce() {
    let idp = start().await;
    let (status, _, interaction) =
        idp.login_page(&idp.authorize_url(PUBLIC_CLIENT_ID, &[("response_type", "code")])).await;
    assert_eq!((status, interaction), (302, None), "refused back at the client");
    let response =
        idp.http.get(idp.authorize_url(PUBLIC_CLIENT_ID, &[("response_type", "code")])).send().await.unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(param(&location, "error").as_deref(), Some("invalid_request"), "{location}");
    assert_eq!(param(&location, "state").as_deref(), Some("st-1"));

    let silent = idp.authorize_url(PUBLIC_CLIENT_ID, &[("response_type", "id_token"), ("prompt", "none")]);
    let response = idp.http.get(silent).send().await.unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(param(&location, "error").as_deref(), Some("login_required"), "{location}");

    let implicit = idp.authorize_url(PUBLIC_CLIENT_ID, &[("response_type", "id_token")]);
    let (status, _, interaction) = idp.login_page(&implicit).await;
    assert_eq!(status, 200);
    let (status, location) = idp.choose(&interaction.unwrap(), "admin").await;
    assert_eq!(status, 302);
    assert!(location.contains("/callback#"), "the ID token travels in the fragment: {location}");
    let claims = verified_claims(&idp, &param(&location, "id_token").unwrap(), PUBLIC_CLIENT_ID).await;
    assert_eq!((claims["email"].as_str(), claims["nonce"].as_str()), (Some("admin@example.com"), Some("n-1")));
}

#[tokio::test]
async fn confidential_client_authenticates_by_post_or_basic() {
    let idp = start().await;
    let redirect = format!("{TESSERA}/callback");
    for method in ["post", "basic", "wrong"] {
        let code = idp.code_for(CONFIDENTIAL_CLIENT_ID, "admin", &[("response_type", "code")]).await;
        let mut request = idp.http.post(format!("{}oauth/token", idp.issuer));
        let mut form = vec![("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", &redirect)];
        match method {
            "post" => form.extend([("client_id", CONFIDENTIAL_CLIENT_ID), ("client_secret", &idp.secret)]),
            "basic" => request = request.basic_auth(CONFIDENTIAL_CLIENT_ID, Some(&idp.secret)),
            _ => form.extend([("client_id", CONFIDENTIAL_CLIENT_ID), ("client_secret", "guess")]),
        }
        let response = request.form(&form).send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        if method == "wrong" {
            assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{body}");
        } else {
            assert_eq!(status, 200, "{method}: {body}");
            verified_claims(&idp, body["id_token"].as_str().unwrap(), CONFIDENTIAL_CLIENT_ID).await;
        }
    }
}

#[tokio::test]
async fn untrusted_addresses_get_a_page_never_a_redirect() {
    let idp = start().await;
    let elsewhere = idp.authorize_url(PUBLIC_CLIENT_ID, &[]).replace("localhost%3A8585", "evil.example");
    let (status, body, interaction) = idp.login_page(&elsewhere).await;
    assert_eq!((status, interaction), (400, None));
    assert!(body.contains("is not registered"), "{body}");
    let (status, body, _) = idp.login_page(&idp.authorize_url("someone-else", &[])).await;
    assert_eq!(status, 400);
    assert!(body.contains("Unknown client_id"), "{body}");

    // A used or forged interaction id shows a page.
    let pkce = [("response_type", "code"), ("code_challenge", CHALLENGE), ("code_challenge_method", "S256")];
    let (_, _, interaction) = idp.login_page(&idp.authorize_url(PUBLIC_CLIENT_ID, &pkce)).await;
    let interaction = interaction.unwrap();
    assert_eq!(idp.choose(&interaction, "admin").await.0, 302);
    assert_eq!(idp.choose(&interaction, "admin").await.0, 400);

    let logout = |target: &str| {
        let url = format!("{}v2/logout?client_id={PUBLIC_CLIENT_ID}&returnTo={target}", idp.issuer);
        let http = idp.http.clone();
        async move { http.get(url).send().await.unwrap() }
    };
    let back = logout("http%3A%2F%2Flocalhost%3A8585%2F").await;
    assert_eq!((back.status().as_u16(), back.headers()["location"].to_str().unwrap()), (302, "http://localhost:8585/"));
    let away = logout("https%3A%2F%2Fevil.example%2F").await;
    assert_eq!(away.status(), 400);
}

#[test]
fn only_loopback_addresses_are_accepted() {
    let mut options = Options::new(0, 8585, "example.com");
    options.address = "0.0.0.0:0".parse().unwrap();
    let error = DemoIdp::bind(options).err().expect("refused");
    assert!(error.to_string().contains("only listens on loopback"), "{error}");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let error = DemoIdp::bind(Options::new(port, 8585, "example.com")).err().expect("port in use");
    assert!(error.to_string().contains("--idp-port"), "{error}");
}
