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
