//! The checks an ID token from the code flow needs on top of the verifier's (signature, `iss`,
//! `aud`, `exp`, `nbf`, `iat`, `sub`, principal): it is for *this* client (`aud`, `azp`), answers
//! *this* sign-in (`nonce`), belongs to the access token it came with (`at_hash`), and a refreshed
//! one is about the same person (`iss`, `sub`).

use super::SignInError;
use crate::Verified;
use crate::verify::Claims;
use aws_lc_rs::constant_time::verify_slices_are_equal;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub struct Expectations<'a> {
    pub client_id: &'a str,
    pub nonce: Option<&'a str>,
    pub access_token: Option<&'a str>,
    /// The pinned algorithm, to pick `at_hash`'s digest.
    pub algorithm: tessera_config::JwsAlgorithm,
    /// `OIDC_MAX_CLOCK_SKEW`, when narrower than the verifier's leeway.
    pub max_clock_skew: Option<i64>,
    pub now: i64,
    /// For a refreshed token: the signed-in session's issuer and subject.
    pub same_as: Option<(&'a str, &'a str)>,
}

pub fn check(verified: &Verified, claims: &Claims, expect: &Expectations) -> Result<(), SignInError> {
    if verified.own {
        return Err(rejected("it was signed by Tessera, not by the identity provider"));
    }
    let audiences = claims.audiences();
    if !audiences.iter().any(|a| a == expect.client_id) {
        return Err(rejected(format!(
            "its audience {audiences:?} does not contain OIDC_CLIENT_ID {:?}",
            expect.client_id
        )));
    }
    match claims.string("azp") {
        Some(azp) if azp != expect.client_id => {
            return Err(rejected(format!("it was issued to another client (azp {azp:?})")));
        }
        None if audiences.len() > 1 => return Err(rejected("it has several audiences but no azp claim")),
        _ => {}
    }
    if let Some(expected) = expect.nonce {
        let found = claims.string("nonce").ok_or(SignInError::NonceMissing)?;
        verify_slices_are_equal(found.as_bytes(), expected.as_bytes()).map_err(|_| SignInError::NonceMismatch)?;
    }
    if let (Some(at_hash), Some(access_token)) = (claims.string("at_hash"), expect.access_token)
        && !at_hash_matches(at_hash, access_token, expect.algorithm)
    {
        return Err(rejected("its at_hash does not match the access token it came with"));
    }
    if let Some(skew) = expect.max_clock_skew {
        if claims.seconds("exp").is_some_and(|exp| exp.saturating_add(skew) < expect.now) {
            return Err(rejected("it has expired (OIDC_MAX_CLOCK_SKEW)"));
        }
        if claims.seconds("iat").is_some_and(|iat| iat.saturating_sub(skew) > expect.now) {
            return Err(rejected("it was issued in the future (OIDC_MAX_CLOCK_SKEW)"));
        }
    }
    if let Some((issuer, subject)) = expect.same_as {
        if claims.string("iss") != Some(issuer) {
            return Err(rejected("the refreshed token names another issuer than the signed-in one"));
        }
        if claims.string("sub") != Some(subject) {
            return Err(rejected("the refreshed token is about another subject than the signed-in one"));
        }
    }
    Ok(())
}

/// OpenID Connect Core §3.1.3.6: base64url of the left half of the access token's digest, the
/// digest matching the signing algorithm's.
fn at_hash_matches(at_hash: &str, access_token: &str, algorithm: tessera_config::JwsAlgorithm) -> bool {
    use aws_lc_rs::digest::{SHA256, SHA384, SHA512, digest};
    let algorithm_digest = match algorithm.hash_bits() {
        384 => &SHA384,
        512 => &SHA512,
        _ => &SHA256,
    };
    let full = digest(algorithm_digest, access_token.as_bytes());
    let half = &full.as_ref()[..full.as_ref().len() / 2];
    let expected = URL_SAFE_NO_PAD.encode(half);
    verify_slices_are_equal(expected.as_bytes(), at_hash.trim_end_matches('=').as_bytes()).is_ok()
}

fn rejected(why: impl Into<String>) -> SignInError {
    SignInError::IdTokenRejected(why.into())
}

#[cfg(test)]
mod tests {
    use super::{Expectations, check};
    use crate::verify::Claims;
    use crate::{Principal, TokenHash, Verified};
    use serde_json::json;
    use std::sync::Arc;

    fn verified() -> Verified {
        Verified {
            principal: Arc::new(Principal {
                name: "a".into(),
                email: "a@x".into(),
                is_bot: false,
                provider_roles: None,
                account: None,
            }),
            own: false,
            token_type: None,
            expires_at: Some(2_000),
            issued_at: None,
            hash: TokenHash([0; 32]),
        }
    }

    fn expect<'a>() -> Expectations<'a> {
        Expectations {
            client_id: "web",
            nonce: Some("n-1"),
            access_token: None,
            algorithm: tessera_config::JwsAlgorithm::RS256,
            max_clock_skew: None,
            now: 1_000,
            same_as: None,
        }
    }

    fn reason(claims: serde_json::Value, expectations: &Expectations) -> Option<&'static str> {
        let claims = Claims::from_json(claims.as_object().unwrap().clone());
        check(&verified(), &claims, expectations).err().map(|e| e.reason())
    }

    #[test]
    fn id_token_claims_beyond_the_verifier() {
        let good = json!({"iss": "https://idp/", "sub": "s", "aud": "web", "nonce": "n-1", "iat": 990, "exp": 2000});
        assert_eq!(reason(good.clone(), &expect()), None);
        let with = |k: &str, v: serde_json::Value| {
            let mut c = good.clone();
            c[k] = v;
            c
        };
        assert_eq!(reason(with("nonce", json!("n-2")), &expect()), Some("nonce_mismatch"));
        let mut no_nonce = good.clone();
        no_nonce.as_object_mut().unwrap().remove("nonce");
        assert_eq!(reason(no_nonce, &expect()), Some("nonce_missing"));
        assert_eq!(reason(with("aud", json!("spa")), &expect()), Some("id_token_rejected"));
        assert_eq!(reason(with("aud", json!(["web", "api"])), &expect()), Some("id_token_rejected"), "azp required");
        let multi = with("aud", json!(["web", "api"]));
        let mut multi_azp = multi.clone();
        multi_azp["azp"] = json!("web");
        assert_eq!(reason(multi_azp, &expect()), None);
        assert_eq!(reason(with("azp", json!("other")), &expect()), Some("id_token_rejected"));
        // Refreshed tokens must be about the same person, from the same issuer.
        let same = Expectations { nonce: None, same_as: Some(("https://idp/", "s")), ..expect() };
        assert_eq!(reason(good.clone(), &same), None);
        assert_eq!(reason(with("sub", json!("t")), &same), Some("id_token_rejected"));
        assert_eq!(reason(with("iss", json!("https://other/")), &same), Some("id_token_rejected"));
        // OIDC_MAX_CLOCK_SKEW narrows the time checks.
        let strict = Expectations { max_clock_skew: Some(5), ..expect() };
        assert_eq!(reason(with("iat", json!(1_010)), &strict), Some("id_token_rejected"));
        assert_eq!(reason(with("exp", json!(990)), &strict), Some("id_token_rejected"));
        // at_hash binds the ID token to its access token.
        let bound = Expectations { access_token: Some("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"), ..expect() };
        assert_eq!(reason(with("at_hash", json!("77QmUPtjPfzWtF2AnpK9RQ")), &bound), None);
        assert_eq!(reason(with("at_hash", json!("AAAAAAAAAAAAAAAAAAAAAA")), &bound), Some("id_token_rejected"));
    }

    #[test]
    fn at_hash_of_the_openid_spec_example() {
        // OpenID Connect Core, Appendix A.3/A.4: access token and its at_hash (RS256).
        let token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
        assert!(super::at_hash_matches("77QmUPtjPfzWtF2AnpK9RQ", token, tessera_config::JwsAlgorithm::RS256));
        assert!(!super::at_hash_matches("77QmUPtjPfzWtF2AnpK9RR", token, tessera_config::JwsAlgorithm::RS256));
    }
}
