//! The wall clock, in the units entities and tokens use: one place for every crate.

fn since_epoch() -> std::time::Duration {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default()
}

/// Milliseconds since the Unix epoch (`updatedAt`, statuses, rows).
pub fn now_millis() -> i64 {
    since_epoch().as_millis() as i64
}

/// Seconds since the Unix epoch (JWT `iat`/`exp`, sessions).
pub fn now_seconds() -> i64 {
    since_epoch().as_secs() as i64
}
