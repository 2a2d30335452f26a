//! How many connections a port holds and how long a connection may wait.

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// A request's head must arrive within this, counted from the connection's opening or from
    /// the first byte of a request on a kept-alive connection.
    pub header_read_timeout: Duration,
    /// A kept-alive connection waits this long for its next request.
    pub idle_timeout: Duration,
    /// The most connections held at once.
    pub max_connections: usize,
}

/// The admin port's own cap: health checks and metrics still answer while the API port is flooded.
pub const ADMIN_CONNECTIONS: usize = 32;

/// File descriptors kept out of the connection budget: database files and pool, the signing keys,
/// outbound HTTPS to identity providers, logs.
const RESERVED_FILES: u64 = 128;

/// A floor, so a tiny open-file limit still serves a few clients (and says so).
const MIN_API_CONNECTIONS: u64 = 16;

/// The API port's cap from `TESSERA_MAX_CONNECTIONS` (`None`: derive it) and the soft open-file
/// limit, with a warning when the configured cap cannot be honoured.
pub fn api_connection_cap(configured: Option<u64>, open_file_limit: u64) -> (usize, Option<String>) {
    let affordable = open_file_limit.saturating_sub(RESERVED_FILES + ADMIN_CONNECTIONS as u64).max(MIN_API_CONNECTIONS);
    let cap = match configured {
        Some(wanted) if wanted > affordable => {
            let warning = format!(
                "TESSERA_MAX_CONNECTIONS={wanted} needs more file descriptors than the open-file limit \
                 ({open_file_limit}) leaves; holding at most {affordable}. Raise the limit (ulimit -n, or \
                 `ulimits: nofile` in compose) or lower TESSERA_MAX_CONNECTIONS"
            );
            return (to_usize(affordable), Some(warning));
        }
        Some(wanted) => wanted,
        None => affordable,
    };
    (to_usize(cap), None)
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_what_the_open_file_limit_leaves_unless_configured_lower() {
        assert_eq!(api_connection_cap(None, 1_048_576), (1_048_576 - 160, None));
        assert_eq!(api_connection_cap(None, 256), (96, None));
        assert_eq!(api_connection_cap(None, 64), (16, None), "a floor, however small the limit");
        assert_eq!(api_connection_cap(Some(50), 256), (50, None));
        let (cap, warning) = api_connection_cap(Some(10_000), 256);
        assert_eq!(cap, 96);
        assert!(warning.unwrap().contains("TESSERA_MAX_CONNECTIONS=10000"));
    }
}
