//! A connection's remembered token (`Verifier::verify_on_connection`): another token on the same
//! connection is never taken for it, and a remembered token still expires and is still revoked.

use crate::key_server::*;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use tessera_auth::{AuthError, Expiry, LastToken, Subject, TokenHash, TokenType};

fn mint(setup: &Setup, name: &str, is_bot: bool, kind: TokenType) -> String {
    let email = format!("{name}@example.com");
    let subject = Subject { name, email: &email, roles: &[], is_bot };
    let expiry = if is_bot { Expiry::Unlimited } else { Expiry::OneHour };
    setup.keys.mint("open-metadata.org", &subject, kind, expiry, tessera_auth::verify::unix_now()).token
}

fn users(names: &[&str]) -> HashSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

/// The same length as `token`, one character of the signature changed.
fn forged(token: &str) -> String {
    let mut forged = token.to_string();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    forged
}

#[tokio::test]
async fn other_tokens_on_the_connection_are_verified_as_themselves() {
    let server = KeyServer::start(&[]).await;
    let setup = setup(&server, &[]);
    let (alice, bob) = (mint(&setup, "alice", false, TokenType::OmUser), mint(&setup, "bob", false, TokenType::OmUser));
    setup.revocation.replace(HashMap::new(), HashSet::new(), users(&["alice", "bob"]), HashSet::new());
    let last = LastToken::default();
    for (token, name) in [(&alice, "alice"), (&alice, "alice"), (&bob, "bob"), (&alice, "alice")] {
        let principal = setup.verifier.verify_on_connection(token, &last).await.unwrap();
        assert_eq!(principal.name, name);
    }
    // A forgery of the remembered token, the same length or longer, is checked and refused.
    for attempt in [forged(&alice), format!("{alice}A"), alice[..alice.len() - 1].to_string()] {
        let refused = setup.verifier.verify_on_connection(&attempt, &last).await.unwrap_err();
        assert!(matches!(refused, AuthError::BadSignature(_) | AuthError::Malformed), "{refused:?}");
    }
    assert_eq!(setup.verifier.verify_on_connection(&alice, &last).await.unwrap().name, "alice");
}

#[tokio::test]
async fn a_remembered_token_is_still_revoked() {
    let server = KeyServer::start(&[]).await;
    let setup = setup(&server, &[]);
    let bot = mint(&setup, "ingestion-bot", true, TokenType::Bot);
    let current = HashMap::from([("ingestion-bot".to_string(), TokenHash::of(&bot))]);
    setup.revocation.replace(current, HashSet::new(), users(&["ingestion-bot"]), HashSet::new());
    let last = LastToken::default();
    setup.verifier.verify_on_connection(&bot, &last).await.unwrap();
    // Regenerated: the connection's remembered token stops working at once.
    let regenerated = HashMap::from([("ingestion-bot".to_string(), TokenHash::of("another token"))]);
    setup.revocation.replace(regenerated, HashSet::new(), users(&["ingestion-bot"]), HashSet::new());
    assert_eq!(setup.verifier.verify_on_connection(&bot, &last).await.unwrap_err(), AuthError::BotTokenSuperseded);

    let session = mint(&setup, "bob", false, TokenType::OmUser);
    setup.revocation.replace(HashMap::new(), HashSet::new(), users(&["bob"]), HashSet::new());
    setup.verifier.verify_on_connection(&session, &last).await.unwrap();
    setup.revocation.replace(HashMap::new(), HashSet::new(), HashSet::new(), HashSet::new());
    assert_eq!(setup.verifier.verify_on_connection(&session, &last).await.unwrap_err(), AuthError::UserGone);
}

/// Seconds added to the verifier's clock in [`a_remembered_token_still_expires`].
static CLOCK_SHIFT: AtomicI64 = AtomicI64::new(0);

fn shifted_now() -> i64 {
    tessera_auth::verify::unix_now() + CLOCK_SHIFT.load(Ordering::SeqCst)
}

#[tokio::test]
async fn a_remembered_token_still_expires() {
    let server = KeyServer::start(&[]).await;
    let Setup { verifier, keys, revocation, .. } = setup(&server, &[]);
    let verifier = verifier.with_clock(shifted_now);
    let subject = Subject { name: "carol", email: "carol@example.com", roles: &[], is_bot: false };
    let token = keys.mint("open-metadata.org", &subject, TokenType::OmUser, Expiry::OneHour, shifted_now()).token;
    revocation.replace(HashMap::new(), HashSet::new(), users(&["carol"]), HashSet::new());
    let last = LastToken::default();
    verifier.verify_on_connection(&token, &last).await.unwrap();
    verifier.verify_on_connection(&token, &last).await.unwrap();
    CLOCK_SHIFT.store(2 * 3600, Ordering::SeqCst);
    assert_eq!(verifier.verify_on_connection(&token, &last).await.unwrap_err(), AuthError::Expired);
}
