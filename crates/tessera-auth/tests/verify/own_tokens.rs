use crate::key_server::*;
use std::collections::{HashMap, HashSet};
use tessera_auth::{AuthError, Expiry, Subject, TokenHash, TokenType};

fn mint(setup: &Setup, name: &str, is_bot: bool, kind: TokenType, expiry: Expiry) -> String {
    let email = format!("{name}@example.com");
    let subject = Subject { name, email: &email, roles: &[], is_bot };
    setup.keys.mint("open-metadata.org", &subject, kind, expiry, tessera_auth::verify::unix_now()).token
}

#[tokio::test]
async fn bot_tokens_verify_in_process_and_follow_revocation() {
    let server = KeyServer::start(&[]).await;
    let setup = setup(&server, &[]);
    let token = mint(&setup, "ingestion-bot", true, TokenType::Bot, Expiry::Unlimited);
    // Not yet the current bot token: refused with the original's message.
    let err = setup.verifier.verify(&token).await.unwrap_err();
    assert_eq!(err, AuthError::BotTokenSuperseded);
    assert_eq!(err.to_string(), "Not Authorized! The given token does not match the current bot's token!");

    let bots = HashMap::from([("ingestion-bot".to_string(), TokenHash::of(&token))]);
    setup.revocation.replace(bots, HashSet::new(), HashSet::from(["ingestion-bot".to_string()]), HashSet::new());
    let verified = setup.verifier.verify(&token).await.unwrap();
    assert!(verified.own && verified.principal.is_bot);
    assert_eq!(verified.principal.name, "ingestion-bot");
    assert_eq!(verified.token_type.map(tessera_auth::TokenType::claim), Some("BOT"));
    assert_eq!(server.hits(), 0, "own tokens never fetch a JWKS");

    // Regenerated: the old token stops working at once, even though it is cached.
    setup.revocation.replace(
        HashMap::from([("ingestion-bot".to_string(), TokenHash::of("other"))]),
        HashSet::new(),
        HashSet::new(),
        HashSet::new(),
    );
    assert_eq!(setup.verifier.verify(&token).await.unwrap_err(), AuthError::BotTokenSuperseded);
}

#[tokio::test]
async fn personal_tokens_and_deleted_users() {
    let server = KeyServer::start(&[]).await;
    let setup = setup(&server, &[]);
    let pat = mint(&setup, "alice", false, TokenType::PersonalAccess, Expiry::ThirtyDays);
    let users = HashSet::from(["alice".to_string()]);
    setup.revocation.replace(HashMap::new(), HashSet::from([TokenHash::of(&pat)]), users.clone(), HashSet::new());
    let verified = setup.verifier.verify(&pat).await.unwrap();
    assert_eq!((verified.principal.name.as_str(), verified.principal.email.as_str()), ("alice", "alice@example.com"));
    setup.revocation.replace(HashMap::new(), HashSet::new(), users, HashSet::new());
    assert_eq!(
        setup.verifier.verify(&pat).await.unwrap_err().to_string(),
        "Not Authorized! Invalid personal access token!"
    );

    let session = mint(&setup, "bob", false, TokenType::OmUser, Expiry::OneHour);
    setup.revocation.replace(HashMap::new(), HashSet::new(), HashSet::from(["bob".to_string()]), HashSet::new());
    setup.verifier.verify(&session).await.unwrap();
    setup.revocation.replace(HashMap::new(), HashSet::new(), HashSet::new(), HashSet::new());
    assert_eq!(setup.verifier.verify(&session).await.unwrap_err(), AuthError::UserGone);
}

#[tokio::test]
async fn own_tokens_must_carry_our_issuer() {
    let server = KeyServer::start(&[]).await;
    let setup = setup(&server, &[]);
    let subject = Subject { name: "bob", email: "bob@example.com", roles: &[], is_bot: false };
    let token = setup
        .keys
        .mint("someone-else", &subject, TokenType::OmUser, Expiry::OneHour, tessera_auth::verify::unix_now())
        .token;
    assert!(matches!(setup.verifier.verify(&token).await.unwrap_err(), AuthError::IssuerMismatch { .. }));
}

#[tokio::test]
async fn mapping_applies_to_own_tokens_too() {
    let server = KeyServer::start(&[]).await;
    let setup = setup(&server, &[("AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING", "[username:sub, email:email]")]);
    let token = mint(&setup, "carol", false, TokenType::OmUser, Expiry::OneHour);
    setup.revocation.replace(HashMap::new(), HashSet::new(), HashSet::from(["carol".to_string()]), HashSet::new());
    let verified = setup.verifier.verify(&token).await.unwrap();
    assert_eq!((verified.principal.name.as_str(), verified.principal.email.as_str()), ("carol", "carol@example.com"));
}

#[tokio::test]
async fn a_users_new_tokens_share_one_principal_and_a_bot_of_that_claim_keeps_its_own() {
    let server = KeyServer::start(&[]).await;
    let setup = setup(&server, &[]);
    let first = mint(&setup, "dora", false, TokenType::OmUser, Expiry::OneHour);
    let second = mint(&setup, "dora", false, TokenType::OmUser, Expiry::OneHour);
    let bot = mint(&setup, "dora", true, TokenType::Bot, Expiry::Unlimited);
    assert_ne!(first, second, "two sessions");
    let bots = HashMap::from([("dora".to_string(), TokenHash::of(&bot))]);
    setup.revocation.replace(bots, HashSet::new(), HashSet::from(["dora".to_string()]), HashSet::new());
    let (first, second) = (setup.verifier.verify(&first).await.unwrap(), setup.verifier.verify(&second).await.unwrap());
    assert_ne!(first.hash, second.hash, "each token verified and cached on its own");
    assert!(std::sync::Arc::ptr_eq(&first.principal, &second.principal), "one principal for both");
    assert_eq!((first.principal.name.as_str(), first.principal.is_bot), ("dora", false));
    let bot = setup.verifier.verify(&bot).await.unwrap();
    assert_eq!((bot.principal.name.as_str(), bot.principal.is_bot), ("dora", true), "never the user's principal");
}
