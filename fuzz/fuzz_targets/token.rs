//! Any byte string as a bearer token: the verifier must answer Ok or a refusal, never panic.
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run token` (see fuzz/README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use tessera_auth::{RevocationState, SigningKeys, Verifier};

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
    let Ok(token) = std::str::from_utf8(data) else { return };
    let setup = setup();
    let _ = setup.runtime.block_on(setup.verifier.verify(token));
});
