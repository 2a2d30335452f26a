//! What the server knows about one connection: when bytes last moved, whether a request is being
//! read or handled, and so when it must close if nothing changes.

use super::limits::ConnectionLimits;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Times are milliseconds since the registry's epoch, so they fit in atomics.
pub(super) struct Connection {
    pub(super) id: u64,
    epoch: Instant,
    opened_ms: u64,
    last_activity_ms: AtomicU64,
    /// First byte of a request head not yet handed to the router, plus one (0: none).
    head_started_ms: AtomicU64,
    served_a_request: AtomicBool,
    requests_in_flight: AtomicUsize,
    /// Set by the registry to close this connection for a newer one.
    pub(super) evicted: Notify,
}

impl Connection {
    pub(super) fn new(id: u64, epoch: Instant) -> Self {
        let opened_ms = millis_since(epoch);
        Self {
            id,
            epoch,
            opened_ms,
            last_activity_ms: AtomicU64::new(opened_ms),
            head_started_ms: AtomicU64::new(0),
            served_a_request: AtomicBool::new(false),
            requests_in_flight: AtomicUsize::new(0),
            evicted: Notify::new(),
        }
    }

    pub(super) fn bytes_read(&self) {
        let now = millis_since(self.epoch);
        self.last_activity_ms.store(now, Relaxed);
        if self.requests_in_flight.load(Relaxed) == 0 {
            let _ = self.head_started_ms.compare_exchange(0, now + 1, Relaxed, Relaxed);
        }
    }

    pub(super) fn bytes_written(&self) {
        self.last_activity_ms.store(millis_since(self.epoch), Relaxed);
    }

    /// The router has a request: the head is complete. Dropping the guard ends the request.
    pub(super) fn request_started(self: &Arc<Self>) -> InFlight {
        self.requests_in_flight.fetch_add(1, Relaxed);
        self.head_started_ms.store(0, Relaxed);
        self.served_a_request.store(true, Relaxed);
        InFlight(self.clone())
    }

    pub(super) fn is_handling_a_request(&self) -> bool {
        self.requests_in_flight.load(Relaxed) > 0
    }

    /// When this connection must close if nothing changes; `None` while a request is handled.
    pub(super) fn deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        if self.is_handling_a_request() {
            return None;
        }
        let header = limits.header_read_timeout.as_millis() as u64;
        let at = match self.head_started_ms.load(Relaxed) {
            0 if !self.served_a_request.load(Relaxed) => self.opened_ms + header,
            0 => self.last_activity_ms.load(Relaxed) + limits.idle_timeout.as_millis() as u64,
            started => started - 1 + header,
        };
        Some(self.epoch + Duration::from_millis(at))
    }

    /// For choosing whom to close at the cap: the longest-waiting connection without a request in
    /// progress; `None` if one is in progress.
    pub(super) fn waiting_since(&self) -> Option<u64> {
        (!self.is_handling_a_request()).then(|| self.last_activity_ms.load(Relaxed))
    }
}

pub(super) struct InFlight(Arc<Connection>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.bytes_written(); // the idle time counts from the end of the request
        self.0.requests_in_flight.fetch_sub(1, Relaxed);
    }
}

fn millis_since(epoch: Instant) -> u64 {
    epoch.elapsed().as_millis() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ConnectionLimits = ConnectionLimits {
        header_read_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(60),
        max_connections: 10,
    };

    #[test]
    fn a_connection_is_given_the_header_timeout_then_the_idle_timeout_and_no_deadline_while_busy() {
        let epoch = Instant::now() - Duration::from_secs(100);
        let connection = Arc::new(Connection::new(1, epoch));
        let opened = connection.deadline(&LIMITS).unwrap();
        assert!(opened <= Instant::now() + Duration::from_secs(5), "a new connection gets the header timeout");
        connection.bytes_read();
        assert!(connection.deadline(&LIMITS).unwrap() <= Instant::now() + Duration::from_secs(5));
        let request = connection.request_started();
        assert_eq!(connection.deadline(&LIMITS), None, "never closed while a request is handled");
        assert_eq!(connection.waiting_since(), None, "never chosen for eviction while busy");
        drop(request);
        let idle = connection.deadline(&LIMITS).unwrap();
        assert!(idle > Instant::now() + Duration::from_secs(55), "a served connection gets the idle timeout");
        connection.bytes_read();
        assert!(connection.deadline(&LIMITS).unwrap() <= Instant::now() + Duration::from_secs(5), "a new request head");
    }
}
