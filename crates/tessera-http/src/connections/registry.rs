//! The live connections of one port, for the cap and for waiting until all have closed.

use super::connection::Connection;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::Notify;

pub(super) struct Registry {
    epoch: Instant,
    cap: usize,
    /// Counted against the cap; a connection chosen for eviction leaves at once.
    live: Mutex<HashMap<u64, Arc<Connection>>>,
    next_id: AtomicU64,
    /// Connection tasks still running, evicted ones included (for shutdown).
    tasks: AtomicUsize,
    task_ended: Notify,
}

impl Registry {
    pub(super) fn new(cap: usize) -> Self {
        Self {
            epoch: Instant::now(),
            cap: cap.max(1),
            live: Mutex::default(),
            next_id: AtomicU64::new(0),
            tasks: AtomicUsize::new(0),
            task_ended: Notify::new(),
        }
    }

    /// A place for a new connection, closing the longest-waiting one at the cap; `None` when every
    /// connection is handling a request.
    pub(super) fn admit(&self) -> Option<Arc<Connection>> {
        let mut live = self.live.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if live.len() >= self.cap && !evict_longest_waiting(&mut live) {
            return None;
        }
        let connection = Arc::new(Connection::new(self.next_id.fetch_add(1, Relaxed), self.epoch));
        live.insert(connection.id, connection.clone());
        self.tasks.fetch_add(1, Relaxed);
        Some(connection)
    }

    /// Out of file descriptors: close the longest-waiting connection. False if none is waiting.
    pub(super) fn shed_one(&self) -> bool {
        evict_longest_waiting(&mut self.live.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// A connection's task has ended.
    pub(super) fn closed(&self, connection: &Connection) {
        self.live.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&connection.id);
        self.tasks.fetch_sub(1, Relaxed);
        self.task_ended.notify_waiters();
    }

    pub(super) async fn all_closed(&self) {
        loop {
            let ended = self.task_ended.notified();
            if self.tasks.load(Relaxed) == 0 {
                return;
            }
            ended.await;
        }
    }
}

fn evict_longest_waiting(live: &mut HashMap<u64, Arc<Connection>>) -> bool {
    let victim = live.values().filter_map(|c| Some((c.waiting_since()?, c.id))).min().map(|(_, id)| id);
    match victim.and_then(|id| live.remove(&id)) {
        Some(connection) => {
            connection.evicted.notify_one();
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_the_cap_the_longest_waiting_idle_connection_makes_room_and_busy_ones_never_do() {
        let registry = Registry::new(2);
        let first = registry.admit().unwrap();
        let second = registry.admit().unwrap();
        let _busy = first.request_started();
        let third = registry.admit().expect("the waiting connection makes room");
        assert!(!registry.live.lock().unwrap().contains_key(&second.id), "the waiting one was evicted");
        let _also_busy = third.request_started();
        assert!(registry.admit().is_none(), "every connection is busy: the newcomer is refused");
        assert!(!registry.shed_one(), "nothing to shed while all are busy");
    }
}
