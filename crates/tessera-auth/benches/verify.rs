//! Token verification cost, single-threaded: cold (each token seen once: signature check and
//! principal derivation) and warm (the same token again: cache hit plus revocation check).
//! `cargo bench -p tessera-auth --bench verify`; bench/auth.py runs it and compares with
//! `openssl speed rsa2048`.
//!
//! With `MINT_DIR=<data dir> MINT_OUT=<file>` it instead writes that many distinct valid session
//! tokens of the `admin` user, signed with the keys kept in the data dir (bench/auth.py serves
//! them over HTTP, each used once).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;
use tessera_auth::{Expiry, RevocationState, SigningKeys, Subject, TokenType, Verifier};

/// The allocator the `tessera` binary uses, so the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    if let (Ok(dir), Ok(out)) = (std::env::var("MINT_DIR"), std::env::var("MINT_OUT")) {
        let count: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
        return mint_admin_tokens(&dir, &out, count);
    }
    let dir = std::env::temp_dir().join(format!("tessera-bench-{}", std::process::id()));
    let vars = std::collections::BTreeMap::from([("TESSERA_DATA_DIR".to_string(), dir.display().to_string())]);
    let config = tessera_config::load(&tessera_config::Sources::from_vars(vars)).config.expect("config");
    let keys = SigningKeys::load_or_generate(&config.jwt, &config.data_dir).expect("keys");
    let count: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let now = tessera_auth::verify::unix_now();
    let names: Vec<String> = (0..count).map(|i| format!("user{i}")).collect();
    let tokens: Vec<String> = names
        .iter()
        .map(|name| {
            let email = format!("{name}@example.com");
            let subject = Subject { name, email: &email, roles: &[], is_bot: false };
            keys.mint("open-metadata.org", &subject, TokenType::OmUser, Expiry::OneHour, now).token
        })
        .collect();
    let revocation = Arc::new(RevocationState::default());
    revocation.replace(HashMap::new(), HashSet::new(), names.into_iter().collect(), HashSet::new());
    let config = Arc::new(config);
    // Cold rounds: a fresh verifier (empty cache) each, so every token is verified from scratch.
    let cold_rounds: usize = std::env::var("COLD_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(1);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut cold_time = std::time::Duration::ZERO;
        let mut verifier = Verifier::new(config.clone(), &keys, revocation.clone());
        for _ in 0..cold_rounds {
            verifier = Verifier::new(config.clone(), &keys, revocation.clone());
            let started = Instant::now();
            for token in &tokens {
                verifier.verify(token).await.expect("valid");
            }
            cold_time += started.elapsed();
        }
        let cold = (count * cold_rounds) as f64 / cold_time.as_secs_f64();
        let rounds = 10;
        let started = Instant::now();
        for _ in 0..rounds {
            for token in &tokens {
                verifier.verify(token).await.expect("valid");
            }
        }
        let warm = (count * rounds) as f64 / started.elapsed().as_secs_f64();
        println!("cold_verify_per_second {cold:.0}");
        println!("raw_rs256_verify_per_second {:.0}", raw_rs256_rate());
        println!("warm_verify_per_second {warm:.0}");
        println!("warm_verify_microseconds {:.2}", 1e6 / warm);
    });
    let _ = std::fs::remove_dir_all(dir);
}

/// `count` session tokens of `admin`, each with its own expiry so each is distinct.
fn mint_admin_tokens(dir: &str, out: &str, count: usize) {
    let vars = std::collections::BTreeMap::from([("TESSERA_DATA_DIR".to_string(), dir.to_string())]);
    let config = tessera_config::load(&tessera_config::Sources::from_vars(vars)).config.expect("config");
    let keys = SigningKeys::load_or_generate(&config.jwt, &config.data_dir).expect("keys");
    let now = tessera_auth::verify::unix_now();
    let subject = Subject { name: "admin", email: "admin@open-metadata.org", roles: &[], is_bot: false };
    let mut text = String::with_capacity(count * 800);
    for i in 0..count {
        let lifetime = 3600 + i as i64;
        let minted = keys.mint_for("open-metadata.org", &subject, TokenType::OmUser, Some(lifetime), now);
        text.push_str(&minted.token);
        text.push('\n');
    }
    std::fs::write(out, text).expect("the token file can be written");
}

/// aws-lc's RS256 verification alone, over one message: the floor under the cold path.
fn raw_rs256_rate() -> f64 {
    use aws_lc_rs::signature::{KeyPair, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256};
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let message = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0";
    let mut signature = vec![0u8; pair.public_modulus_len()];
    pair.sign(&RSA_PKCS1_SHA256, &aws_lc_rs::rand::SystemRandom::new(), message, &mut signature).unwrap();
    use aws_lc_rs::encoding::AsDer;
    let key = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_der().unwrap().as_ref()).unwrap();
    let n = 20_000;
    let started = Instant::now();
    for _ in 0..n {
        key.verify_sig(message, &signature).unwrap();
    }
    n as f64 / started.elapsed().as_secs_f64()
}
