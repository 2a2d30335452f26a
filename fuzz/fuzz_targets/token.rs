//! Bearer tokens, as an attacker would send them. The first byte picks the path:
//! - even: the bytes are a whole token for the verifier (splitting, header, algorithm pinning, key
//!   lookup, expiry, signature): it must refuse or accept, never panic;
//! - odd: the bytes are the JSON payload of a token whose signature checked out (the checks that
//!   follow a good signature, which random bytes never reach through the first path): dates,
//!   issuer, audience and principal must refuse or accept, never panic, and a provider token must
//!   never come out as a bot or without a name.
//!
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run token` (see fuzz/README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use tessera_auth::verify::Claims;
use tessera_auth::{RevocationState, SigningKeys, TokenHash, Verifier};

struct Setup {
    verifier: Verifier,
    runtime: tokio::runtime::Runtime,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = std::env::temp_dir().join("tessera-fuzz-keys");
        let vars = std::collections::BTreeMap::from([
            ("TESSERA_DATA_DIR".to_string(), dir.display().to_string()),
            ("AUTHENTICATION_AUTHORITY".to_string(), "https://idp.example".to_string()),
            ("AUTHENTICATION_CLIENT_ID".to_string(), "tessera".to_string()),
            // A JWKS URL nobody answers: unknown kids go down the refetch path without a network.
            ("AUTHENTICATION_PUBLIC_KEYS".to_string(), "[http://127.0.0.1:9/jwks.json]".to_string()),
        ]);
        let config = tessera_config::load(&tessera_config::Sources::from_vars(vars)).config.expect("config");
        let keys = SigningKeys::load_or_generate(&config.jwt, &config.data_dir).expect("keys");
        let verifier = Verifier::new(Arc::new(config), &keys, Arc::new(RevocationState::default()));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        Setup { verifier, runtime }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let setup = setup();
    if mode % 2 == 0 {
        let _ = setup.runtime.block_on(setup.verifier.verify(text));
        return;
    }
    let Some(claims) = Claims::parse(text.to_string()) else { return };
    let own = mode & 2 != 0;
    let now = 1_750_000_000;
    if let Ok(verified) = setup.verifier.admit_signed(&claims, own, now, TokenHash::of(text)) {
        assert!(!verified.principal.name.is_empty(), "a principal without a name: {text}");
        if !own {
            assert!(!verified.principal.is_bot, "a provider token became a bot: {text}");
            assert!(verified.expires_at.is_some(), "a provider token without exp was accepted: {text}");
        }
    }
});
