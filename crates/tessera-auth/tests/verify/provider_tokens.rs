use crate::key_server::*;
use serde_json::json;
use tessera_auth::AuthError;
use tessera_auth::verify::unix_now;

#[tokio::test]
async fn a_good_id_token_and_case_insensitive_claims() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    let verified = setup.verifier.verify(&key.sign(&server.claims("John.Doe@Example.com"))).await.unwrap();
    assert!(!verified.own);
    assert_eq!(
        (verified.principal.name.as_str(), verified.principal.email.as_str()),
        ("john.doe", "john.doe@example.com")
    );

    let mut claims = server.claims("x@example.com");
    claims["EMAIL"] = claims["email"].take();
    claims.as_object_mut().unwrap().remove("email");
    let verified = setup.verifier.verify(&key.sign(&claims)).await.unwrap();
    assert_eq!(verified.principal.name, "x");
}

#[tokio::test]
async fn issuer_audience_and_azp() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    let mut claims = server.claims("a@example.com");
    claims["iss"] = json!("https://evil.example/");
    assert!(matches!(setup.verifier.verify(&key.sign(&claims)).await.unwrap_err(), AuthError::IssuerMismatch { .. }));

    let mut claims = server.claims("a@example.com");
    claims["aud"] = json!("other-app");
    let err = setup.verifier.verify(&key.sign(&claims)).await.unwrap_err();
    assert!(matches!(err, AuthError::AudienceMismatch { .. }), "a token for another client of the tenant: {err}");

    let mut claims = server.claims("a@example.com");
    claims["aud"] = json!(["other-app", CLIENT_ID]);
    claims["azp"] = json!("other-app");
    assert!(matches!(setup.verifier.verify(&key.sign(&claims)).await.unwrap_err(), AuthError::AudienceMismatch { .. }));

    // An issuer written without the trailing slash is the same issuer.
    let mut claims = server.claims("a@example.com");
    claims["iss"] = json!(server.issuer.trim_end_matches('/'));
    setup.verifier.verify(&key.sign(&claims)).await.unwrap();
}

#[tokio::test]
async fn the_original_behaviour_behind_named_switches() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(
        &server,
        &[("TESSERA_INSECURE_SKIP_ISSUER_CHECK", "true"), ("TESSERA_INSECURE_SKIP_AUDIENCE_CHECK", "true")],
    );
    let mut claims = server.claims("a@example.com");
    claims["iss"] = json!("https://elsewhere/");
    claims["aud"] = json!("other-app");
    setup.verifier.verify(&key.sign(&claims)).await.unwrap();
}

#[tokio::test]
async fn api_audience_for_access_tokens() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[("TESSERA_API_AUDIENCES", "[https://api.tessera.example]")]);
    let mut claims = server.claims("a@example.com");
    claims["aud"] = json!(["https://api.tessera.example", format!("{}userinfo", server.issuer)]);
    claims["azp"] = json!(CLIENT_ID);
    setup.verifier.verify(&key.sign(&claims)).await.unwrap();
}

#[tokio::test]
async fn times_with_leeway() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    let now = unix_now();
    let at = |field: &str, value: i64| {
        let mut c = server.claims("a@example.com");
        c[field] = json!(value);
        key.sign(&c)
    };
    setup.verifier.verify(&at("exp", now - 50)).await.expect("within the 60 s leeway");
    let err = setup.verifier.verify(&at("exp", now - 70)).await.unwrap_err();
    assert_eq!((err.to_string().as_str(), err.reason()), ("Expired token!", "token_expired"));
    setup.verifier.verify(&at("nbf", now + 50)).await.expect("within the leeway");
    assert_eq!(setup.verifier.verify(&at("nbf", now + 70)).await.unwrap_err(), AuthError::NotYetValid);
    assert_eq!(setup.verifier.verify(&at("iat", now + 3600)).await.unwrap_err(), AuthError::NotYetValid);

    let strict = crate::key_server::setup(&server, &[("TESSERA_TOKEN_LEEWAY_SECONDS", "0")]);
    assert_eq!(strict.verifier.verify(&at("exp", now - 5)).await.unwrap_err(), AuthError::Expired);
}

#[tokio::test]
async fn principal_claims_missing_are_named() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[("AUTHENTICATION_JWT_PRINCIPAL_CLAIMS", "[email, preferred_username]")]);
    let now = unix_now();
    let claims = json!({"iss": server.issuer, "aud": CLIENT_ID, "sub": "auth0|x", "iat": now, "exp": now + 60});
    let err = setup.verifier.verify(&key.sign(&claims)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Invalid JWT token, none of the following claims are present [email, preferred_username]"
    );
}

#[tokio::test]
async fn a_principal_claim_with_nothing_before_the_at_names_nobody() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    for email in ["@example.com", " @example.com", "@"] {
        let err = setup.verifier.verify(&key.sign(&server.claims(email))).await.unwrap_err();
        assert_eq!(err.reason(), "principal_name_empty", "{email:?}: {err}");
        assert_eq!(err.status(), 401);
        assert!(err.to_string().contains("names no user"), "{err}");
    }
}

#[tokio::test]
async fn principal_domain_enforcement() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[("AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN", "true")]);
    setup.verifier.verify(&key.sign(&server.claims("ok@EXAMPLE.com"))).await.unwrap();
    let err = setup.verifier.verify(&key.sign(&server.claims("eve@evil.example"))).await.unwrap_err();
    assert_eq!(err.to_string(), "Not Authorized! Email does not match the principal domain example.com");

    let allowed = crate::key_server::setup(
        &server,
        &[("AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN", "true"), ("AUTHORIZER_ALLOWED_DOMAINS", "[partner.example]")],
    );
    allowed.verifier.verify(&key.sign(&server.claims("p@partner.example"))).await.unwrap();
    let err = allowed.verifier.verify(&key.sign(&server.claims("eve@evil.example"))).await.unwrap_err();
    assert_eq!(err.to_string(), "Not Authorized! Email does not match the principal domain evil.example");
}

#[tokio::test]
async fn the_originals_padded_jwks_with_a_leading_zero() {
    use base64::Engine;
    let key = TestKey::new("java");
    let server = KeyServer::start(&[]).await;
    let mut n = vec![0u8];
    n.extend_from_slice(&key.n);
    let padded = base64::engine::general_purpose::URL_SAFE;
    server.set_keys(json!({"keys": [{"kty": "RSA", "kid": "java", "alg": "RS256", "use": "sig", "n": padded.encode(&n), "e": padded.encode(&key.e)}]}));
    let setup = setup(&server, &[]);
    setup.verifier.verify(&key.sign(&server.claims("a@example.com"))).await.unwrap();
}

#[tokio::test]
async fn id_tokens_without_sub_or_iat_are_refused() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    for missing in ["sub", "iat"] {
        let mut claims = server.claims("a@example.com");
        claims.as_object_mut().unwrap().remove(missing);
        let err = setup.verifier.verify(&key.sign(&claims)).await.unwrap_err();
        assert_eq!(err, AuthError::RequiredClaimMissing(if missing == "sub" { "sub" } else { "iat" }), "{missing}");
    }
}

/// Attack review finding 13: a provider token without a numeric `exp` would be valid forever, and
/// a date claim given as text would be skipped: both are refused; so is an account whose email
/// the provider says is not verified, unless the named switch accepts it.
#[tokio::test]
async fn dates_must_be_numbers_exp_is_required_and_unverified_emails_are_refused() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    let mut claims = server.claims("a@example.com");
    claims.as_object_mut().unwrap().remove("exp");
    assert_eq!(setup.verifier.verify(&key.sign(&claims)).await.unwrap_err(), AuthError::RequiredClaimMissing("exp"));
    for (name, value) in [("exp", json!("4102444800")), ("iat", json!("1700000000")), ("nbf", json!(["0"]))] {
        let mut claims = server.claims("a@example.com");
        claims[name] = value;
        let err = setup.verifier.verify(&key.sign(&claims)).await.unwrap_err();
        assert_eq!(err, AuthError::DateClaimInvalid(name), "{name}");
        assert_eq!((err.status(), err.reason()), (401, "date_claim_invalid"));
    }
    for unverified in [json!(false), json!("false")] {
        let mut claims = server.claims("a@example.com");
        claims["email_verified"] = unverified;
        assert_eq!(setup.verifier.verify(&key.sign(&claims)).await.unwrap_err(), AuthError::EmailNotVerified);
        let lenient = crate::key_server::setup(&server, &[("TESSERA_ALLOW_UNVERIFIED_EMAIL", "true")]);
        lenient.verifier.verify(&key.sign(&claims)).await.unwrap();
    }
    let mut verified = server.claims("a@example.com");
    verified["email_verified"] = json!(true);
    setup.verifier.verify(&key.sign(&verified)).await.unwrap();
}

#[tokio::test]
async fn entra_id_accepts_its_tenants_v2_tokens_only() {
    const TENANT: &str = "4f1c2b3a-0d9e-4c8b-a7f6-5e4d3c2b1a00";
    const OTHER: &str = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let origin = server.issuer.trim_end_matches('/').to_string();
    let authority = format!("{origin}/{TENANT}");
    let setup = setup(&server, &[("AUTHENTICATION_PROVIDER", "azure"), ("AUTHENTICATION_AUTHORITY", &authority)]);
    let token = |iss: String, tid: Option<&str>| {
        let mut claims = server.claims("a@example.com");
        claims.as_object_mut().unwrap().remove("email");
        claims["preferred_username"] = json!("a@example.com");
        claims["iss"] = json!(iss);
        if let Some(tid) = tid {
            claims["tid"] = json!(tid);
        }
        key.sign(&claims)
    };
    let verified = setup.verifier.verify(&token(format!("{authority}/v2.0"), Some(TENANT))).await.unwrap();
    assert_eq!(verified.principal.name, "a", "the principal from preferred_username (no email claim)");
    // The authority itself is not the issuer of a v2 token.
    let err = setup.verifier.verify(&token(authority.clone(), Some(TENANT))).await.unwrap_err();
    assert!(matches!(err, AuthError::IssuerMismatch { .. }), "{err}");
    // Another tenant's token, same keys and client id.
    let err = setup.verifier.verify(&token(format!("{origin}/{OTHER}/v2.0"), Some(OTHER))).await.unwrap_err();
    assert!(matches!(err, AuthError::IssuerMismatch { .. }), "{err}");
    // The right issuer with another tenant's `tid`, or none: refused.
    let err = setup.verifier.verify(&token(format!("{authority}/v2.0"), Some(OTHER))).await.unwrap_err();
    assert!(matches!(err, AuthError::TenantNotAllowed(_)), "{err}");
    assert_eq!(err.reason(), "tenant_not_allowed");
    let err = setup.verifier.verify(&token(format!("{authority}/v2.0"), None)).await.unwrap_err();
    assert!(matches!(err, AuthError::TenantNotAllowed(_)), "{err}");
}

#[tokio::test]
async fn google_tokens_with_or_without_the_scheme() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let authority = server.issuer.trim_end_matches('/').to_string();
    let setup = setup(&server, &[("AUTHENTICATION_PROVIDER", "google"), ("AUTHENTICATION_AUTHORITY", &authority)]);
    for iss in [authority.clone(), authority.trim_start_matches("http://").to_string()] {
        let mut claims = server.claims("a@example.com");
        claims["iss"] = json!(iss);
        setup.verifier.verify(&key.sign(&claims)).await.unwrap_or_else(|e| panic!("{iss}: {e}"));
    }
    let mut claims = server.claims("a@example.com");
    claims["iss"] = json!("evil.example");
    assert!(matches!(setup.verifier.verify(&key.sign(&claims)).await.unwrap_err(), AuthError::IssuerMismatch { .. }));
}
