//! Password sign-in (`AUTHENTICATION_PROVIDER=basic`): the admin principals' passwords
//! (`[name:password]`), and the limits on logins (`OM_MAX_FAILED_LOGIN_ATTEMPTS`,
//! `OM_LOGIN_ACCESS_BLOCK_TIME`, `OM_JWT_EXPIRY_TIME`, the names of the original's `loginConfig`).

use crate::model::{LoginConfig, Secret};
use crate::reader::Reader;

const ADMINS: &str = "AUTHORIZER_ADMIN_PRINCIPALS";

/// An admin principal entry: its user name (lower-cased) and, in `name:password` form, a
/// password. Only the first `:` separates them, so a password may contain one.
pub(crate) fn split_admin_entry(entry: &str) -> (String, Option<Secret>) {
    match entry.split_once(':') {
        Some((name, password)) => (name.trim().to_lowercase(), Some(Secret::new(password))),
        None => (entry.trim().to_lowercase(), None),
    }
}

/// Checks the passwords given in `AUTHORIZER_ADMIN_PRINCIPALS` (they matter for `basic` only).
pub(crate) fn check_admin_passwords(r: &mut Reader, provider: &str, passwords: &[(String, Secret)]) {
    for (name, password) in passwords {
        if provider != "basic" {
            r.warn(
                ADMINS,
                format!(
                    "the password given for {name} is ignored: {provider} users sign in at their identity provider"
                ),
                format!("write the entry as {name} alone"),
            );
        } else if let Err(rule) = crate::password_policy::check(password.expose()) {
            r.error(
                ADMINS,
                format!("the password given for {name} is too weak: {rule}"),
                "choose a stronger one, or leave it out to have one generated",
            );
        }
    }
}

pub(crate) fn read_login(r: &mut Reader) -> LoginConfig {
    let max_failed_attempts = r.integer("OM_MAX_FAILED_LOGIN_ATTEMPTS").unwrap_or(3);
    if !(1..=100).contains(&max_failed_attempts) {
        r.error(
            "OM_MAX_FAILED_LOGIN_ATTEMPTS",
            format!("{max_failed_attempts} is outside 1-100"),
            "use a small number of attempts, e.g. 3",
        );
    }
    let block_seconds = r.seconds("OM_LOGIN_ACCESS_BLOCK_TIME").unwrap_or(600);
    let token_seconds = r.seconds("OM_JWT_EXPIRY_TIME").unwrap_or(3600);
    if !(60..=86_400).contains(&token_seconds) {
        r.error(
            "OM_JWT_EXPIRY_TIME",
            format!("{token_seconds} seconds is outside 60-86400"),
            "use e.g. 3600 (one hour)",
        );
    }
    LoginConfig { max_failed_attempts: max_failed_attempts.clamp(1, 100) as u32, block_seconds, token_seconds }
}
