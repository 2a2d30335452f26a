//! The floor under bench/auth.py's cold-token ratio over HTTP: an axum server with no layers and
//! no Tessera code on the request path. `/api/v1/system/version` answers a constant;
//! `/api/v1/users/loggedInUser` answers the same constant after one RS256 check of the bearer
//! token with aws-lc (against the key Tessera keeps in the data directory) and nothing else: no
//! claims, no cache, no user. Its rate against the bound 1/(1/openssl + 1/version) is what a
//! server built on tokio, hyper and aws-lc reaches here with nothing else to do; Tessera, which
//! does more for each request, can only be below it.
//!
//! With `FLOOR_VERIFIER=1` the route checks the token with Tessera's `Verifier` instead (the
//! signature, the claims, the verified-token cache, the revocation state): the floor plus Tessera's
//! verification, without the rest of Tessera's request path.
//!
//! `http_floor <data dir> <port>` (bench/auth.py builds and runs it).

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{KeyPair, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use base64::Engine;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The allocator the `tessera` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BODY: &str = r#"{"version":"1.7.0","revision":"floor","tesseraVersion":"0.0.0"}"#;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(port)) = (args.next(), args.next()) else {
        eprintln!("usage: http_floor <data dir> <port>");
        std::process::exit(2);
    };
    let vars = std::collections::BTreeMap::from([("TESSERA_DATA_DIR".to_string(), dir)]);
    let config = tessera_config::load(&tessera_config::Sources::from_vars(vars)).config.expect("config");
    let keys = tessera_auth::SigningKeys::load_or_generate(&config.jwt, &config.data_dir).expect("keys");
    let der = keys.key_pair().public_key().as_der().expect("public key");
    let key = Arc::new(ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, der.as_ref()).expect("key"));
    let revocation = Arc::new(tessera_auth::RevocationState::default());
    revocation.replace(HashMap::new(), HashSet::new(), HashSet::from(["admin".to_string()]), HashSet::new());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let verifier = std::env::var("FLOOR_VERIFIER").is_ok_and(|v| v == "1").then(|| {
        let _entered = runtime.enter();
        Arc::new(tessera_auth::Verifier::new(Arc::new(config), &keys, revocation))
    });
    let app = axum::Router::new().route("/api/v1/system/version", get(|| async { BODY })).route(
        "/api/v1/users/loggedInUser",
        get(move |headers: HeaderMap| async move {
            let valid = match &verifier {
                Some(verifier) => verified(verifier, &headers).await,
                None => signed(&key, &headers),
            };
            if valid { Ok(BODY) } else { Err(StatusCode::UNAUTHORIZED) }
        }),
    );
    runtime.block_on(async {
        let listener =
            tokio::net::TcpListener::bind(("127.0.0.1", port.parse::<u16>().expect("port"))).await.expect("bind");
        axum::serve(listener, app).await.expect("serve");
    });
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
}

/// Whether Tessera's verifier accepts the bearer token.
async fn verified(verifier: &tessera_auth::Verifier, headers: &HeaderMap) -> bool {
    match bearer(headers) {
        Some(token) => verifier.verify(token).await.is_ok(),
        None => false,
    }
}

/// Whether the bearer token's signature checks out; nothing else in the token is read.
fn signed(key: &ParsedPublicKey, headers: &HeaderMap) -> bool {
    let Some((signing_input, signature)) = bearer(headers).and_then(|t| t.rsplit_once('.')) else { return false };
    let Ok(signature) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature) else { return false };
    key.verify_sig(signing_input.as_bytes(), &signature).is_ok()
}
