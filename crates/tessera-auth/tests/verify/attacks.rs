use crate::key_server::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use std::time::{Duration, Instant};
use tessera_auth::AuthError;

fn b64(value: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

#[tokio::test]
async fn alg_none_and_hmac_confusion_are_refused() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    let claims = server.claims("a@example.com");
    for alg in ["none", "None", "NONE"] {
        let token = format!("{}.{}.", b64(&json!({"alg": alg, "kid": "k1"})), b64(&claims));
        let err = setup.verifier.verify(&token).await.unwrap_err();
        assert_eq!(err.reason(), "algorithm_not_allowed", "{alg}: {err}");
    }
    // HS256 keyed with the RSA public key (the classic confusion attack).
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("k1".into());
    let token = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&key.n).unwrap()).unwrap();
    assert_eq!(setup.verifier.verify(&token).await.unwrap_err().reason(), "algorithm_not_allowed");
}

#[tokio::test]
async fn bad_signatures_and_garbage() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    let token = key.sign(&server.claims("a@example.com"));
    let (head, rest) = token.split_once('.').unwrap();
    let (_, signature) = rest.rsplit_once('.').unwrap();
    let forged = format!(
        "{head}.{}.{signature}",
        b64(&json!({"email": "admin@example.com", "iss": server.issuer, "aud": CLIENT_ID}))
    );
    let err = setup.verifier.verify(&forged).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Not Authorized! Invalid token. Token verification failed. Public key mismatch. due to "),
        "{err}"
    );
    for junk in ["", "abc", "a.b", "a.b.c.d", "....", "eyJhbGciOiJSUzI1NiJ9.!!!.x"] {
        assert_eq!(setup.verifier.verify(junk).await.unwrap_err(), AuthError::Malformed, "{junk:?}");
    }
}

#[tokio::test]
async fn embedded_keys_and_key_urls_in_headers_are_ignored() {
    let key = TestKey::new("k1");
    let attacker = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("k1".into());
    header.jku = Some("http://127.0.0.1:1/attacker-jwks.json".into());
    let token = attacker.sign_with_header(header, &server.claims("admin@example.com"));
    assert_eq!(setup.verifier.verify(&token).await.unwrap_err().reason(), "signature_invalid");
}

#[tokio::test]
async fn unknown_kids_are_401_and_cost_at_most_one_fetch_per_interval() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    setup.verifier.providers().refresh_all().await;
    let before = server.hits();
    let stranger = TestKey::new("x");
    for i in 0..200 {
        let forged = stranger.with_kid(&format!("random-{i}"));
        let err = setup.verifier.verify(&forged.sign(&server.claims("a@example.com"))).await.unwrap_err();
        assert_eq!(err.status(), 401);
        assert_eq!(err.reason(), "key_unknown");
        assert!(err.to_string().contains("Token signing key not found"), "{err}");
    }
    assert!(server.hits() - before <= 1, "{} fetches for 200 unknown kids", server.hits() - before);
}

#[tokio::test]
async fn rotation_is_picked_up_without_restart() {
    let old = TestKey::new("old");
    let server = KeyServer::start(&[&old]).await;
    let setup = setup(&server, &[]);
    setup.verifier.verify(&old.sign(&server.claims("a@example.com"))).await.unwrap();
    let new = TestKey::new("new");
    server.set_keys(json!({"keys": [old.jwk(), new.jwk()]}));
    tokio::time::sleep(tessera_auth::verify::MIN_REFETCH_INTERVAL).await;
    setup.verifier.verify(&new.sign(&server.claims("b@example.com"))).await.expect("the new kid triggers a refetch");
}

#[tokio::test]
async fn kid_absent() {
    let key = TestKey::new("only");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    setup.verifier.providers().refresh_all().await;
    let token = key.sign_with_header(Header::new(Algorithm::RS256), &server.claims("a@example.com"));
    setup.verifier.verify(&token).await.expect("one key: it is the one");
    let second = TestKey::new("second");
    server.set_keys(json!({"keys": [key.jwk(), second.jwk()]}));
    setup.verifier.providers().refresh_all().await;
    let token = key.sign_with_header(Header::new(Algorithm::RS256), &server.claims("c@example.com"));
    assert_eq!(setup.verifier.verify(&token).await.unwrap_err(), AuthError::KeyIdMissing);
}

#[tokio::test]
async fn jwks_outage_keeps_known_keys_and_unknown_keys_are_503() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    setup.verifier.providers().refresh_all().await;
    server.set_mode(Mode::Garbage);
    setup.verifier.providers().refresh_all().await;
    setup.verifier.verify(&key.sign(&server.claims("a@example.com"))).await.expect("keys kept across a failed refresh");

    // A provider that never answered: refusing is right, blaming the token is not.
    let cold = KeyServer::start(&[&key]).await;
    cold.set_mode(Mode::Hang);
    let setup = crate::key_server::setup(&cold, &[]);
    let started = Instant::now();
    let err = setup.verifier.verify(&key.sign(&cold.claims("a@example.com"))).await.unwrap_err();
    assert_eq!((err.status(), err.reason()), (503, "keys_unavailable"));
    assert!(started.elapsed() < Duration::from_secs(10), "the read timeout bounds the wait: {:?}", started.elapsed());
}

/// A fixed-seed mutation test of the fuzz target's property (fuzz/): whatever bytes a token
/// becomes, the verifier refuses it cleanly.
#[tokio::test]
async fn mutated_tokens_never_panic() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    let good = key.sign(&server.claims("a@example.com"));
    setup.verifier.verify(&good).await.unwrap();
    let alphabet: Vec<char> = "AZaz09-_.=+/{}\":, \u{0}é".chars().collect();
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..5_000 {
        let mut chars: Vec<char> = good.chars().collect();
        for _ in 0..(next() % 8 + 1) {
            let at = (next() as usize) % chars.len();
            match next() % 3 {
                0 => chars[at] = alphabet[(next() as usize) % alphabet.len()],
                1 => {
                    chars.remove(at);
                }
                _ => chars.insert(at, alphabet[(next() as usize) % alphabet.len()]),
            }
        }
        let token: String = chars.into_iter().collect();
        if token == good {
            continue;
        }
        if let Ok(verified) = setup.verifier.verify(&token).await {
            // Only a change the signature does not cover may pass (e.g. base64 padding noise).
            assert_eq!(verified.principal.email, "a@example.com", "{token}");
        }
    }
}

/// Times at the ends of the range (the mutation test once produced an `exp` near i64::MAX, and
/// `exp + leeway` overflowed): a far-future expiry is valid, the rest is refused, nothing panics.
#[tokio::test]
async fn extreme_time_claims_are_answered_without_overflow() {
    let key = TestKey::new("k1");
    let server = KeyServer::start(&[&key]).await;
    let setup = setup(&server, &[]);
    let with = |claim: &str, value: serde_json::Value| {
        let mut claims = server.claims("a@example.com");
        claims[claim] = value;
        key.sign(&claims)
    };
    assert!(setup.verifier.verify(&with("exp", json!(i64::MAX))).await.is_ok(), "far future expiry");
    assert!(setup.verifier.verify(&with("exp", json!(1e300))).await.is_ok(), "far future expiry as a float");
    for (claim, value) in [
        ("exp", json!(i64::MIN)),
        ("exp", json!(-1e300)),
        ("nbf", json!(i64::MAX)),
        ("nbf", json!(1e300)),
        ("iat", json!(i64::MAX)),
    ] {
        let refused = setup.verifier.verify(&with(claim, value.clone())).await;
        assert!(refused.is_err(), "{claim}={value} must be refused");
    }
}
