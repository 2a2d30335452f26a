//! Password hashes: argon2id (RFC 9106; OWASP's parameters: 19 MiB, 2 passes, 1 lane) in the PHC
//! string format, so the parameters travel with each hash and can be raised later.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password` with a fresh random salt.
pub fn hash(password: &str) -> String {
    let mut salt = [0u8; 16];
    aws_lc_rs::rand::fill(&mut salt).expect("system randomness");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes encode");
    argon2().hash_password(password.as_bytes(), &salt).expect("argon2 hashes any input").to_string()
}

/// Whether `password` matches `phc`; a malformed stored hash matches nothing.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one verification without a stored hash, so an unknown email answers as
/// slowly as a wrong password (no user enumeration by timing).
pub fn verify_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let _ = verify(password, DUMMY.get_or_init(|| hash("no such user: the hash of nothing")));
}

/// A password for a first admin when none is configured: 20 characters from letters, digits and
/// symbols, always with each kind (so it passes the password rule).
pub fn generate() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    const SYMBOLS: &[u8] = b"-_.!@#%+=";
    let mut random = [0u8; 20];
    aws_lc_rs::rand::fill(&mut random).expect("system randomness");
    let sets = [LOWER, UPPER, DIGITS, SYMBOLS];
    random
        .iter()
        .enumerate()
        .map(|(i, r)| {
            // The first four take one character of each kind; the rest from all of them.
            let set = if i < sets.len() { sets[i] } else { sets[usize::from(*r) % sets.len()] };
            char::from(set[usize::from(*r) % set.len()])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password_and_carry_their_parameters() {
        let phc = hash("Tessera-2026");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("Tessera-2026", &phc));
        assert!(!verify("Tessera-2027", &phc));
        assert!(!verify("Tessera-2026", "not a hash"));
        assert_ne!(hash("Tessera-2026"), phc, "a fresh salt each time");
    }

    #[test]
    fn generated_passwords_pass_the_rule() {
        for _ in 0..20 {
            let password = generate();
            assert_eq!(password.len(), 20);
            tessera_config::password_policy::check(&password).unwrap();
        }
    }
}
